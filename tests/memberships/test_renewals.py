"""The daily renewal check, the renewal grace for booking, and what the member sees.

A monthly plan sold on Tuesday 1 December 2026 covers 1-31 December and
renews on 1 January; with the default grace of 5 days the member is past
due from 1 January, may book until 5 January, and is expired on the 6th.
"""

from datetime import UTC, date, datetime

import pytest
from flask import g
from sqlalchemy import func, select

from app.billing.models import ItemKind, PaymentMethod
from app.billing.services.payments import Sale, record_payment
from app.booking.models import Booking
from app.booking.queries.member import SpotState, member_states
from app.booking.rules import BookingError
from app.booking.services.bookings import book_now
from app.core.audit import AuditEntry
from app.memberships.models import Membership, MembershipStatus
from app.memberships.queries import member_snapshot, unlimited_membership_on
from app.memberships.rules import effective_status
from app.memberships.services import renewals
from app.memberships.services.renewals import check_renewals
from app.notifications.models import SentEmail
from app.scheduling.queries import ScheduledSession
from app.settings.models import DEFAULTS, GymSettings
from tests.billing.conftest import NOW, Till
from tests.conftest import PASSWORD

ACTIVE, PAST_DUE = MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE
EXPIRED, CANCELLED = MembershipStatus.EXPIRED, MembershipStatus.CANCELLED
REFUSAL = "You need an active membership or 1 credit to book this class."


def on(day: date, hour: int = 15) -> datetime:
    """An instant on a local day (15:00 UTC is 9:00 in Mexico City)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


JAN_1, JAN_5, JAN_6 = date(2027, 1, 1), date(2027, 1, 5), date(2027, 1, 6)


def sell_plan(till, member, plan=None, *, method=PaymentMethod.CARD):
    """Record a paid plan at the desk; returns the membership it started or renewed."""
    plan = plan or till.unlimited_plan()
    payment = record_payment(
        member.id,
        [Sale(ItemKind.PLAN, plan_id=plan.id)],
        method=method,
        actor=till.desk(),
        tendered_minor=plan.price_minor if method is PaymentMethod.CASH else None,
    )
    return till.reload(Membership, payment.invoice.lines[0].membership_id)


def class_on(till, day: date, hour: int = 17, **fields):
    """A class at `hour` UTC on `day` (17:00 UTC is 11:00 local)."""
    return till.session(starts_in=on(day, hour) - NOW, **fields)


def audit_actions(db, membership):
    return db.session.execute(
        select(AuditEntry.action, AuditEntry.actor_id)
        .where(AuditEntry.entity_type == "Membership", AuditEntry.entity_id == str(membership.id))
        .order_by(AuditEntry.id)
    ).all()


def emails_of(db, member):
    return db.session.scalars(
        select(SentEmail.template).where(SentEmail.user_id == member.id).order_by(SentEmail.id)
    ).all()


def set_grace(db, days: int) -> None:
    settings = db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
    settings.renewal_grace_days = days
    db.session.add(settings)
    db.session.commit()
    g.pop("gym_settings", None)  # the request's cached copy


@pytest.fixture
def till(db, factories, schedule, clock, app_ctx):
    """The billing tests' builders (plans, members, the desk), at NOW."""
    clock(NOW)
    return Till(db, factories, schedule)


@pytest.fixture
def lapsing(till):
    """A member whose monthly plan (1-31 December) was paid once, and never again."""
    member = till.member(name="Lucía Ramos")
    membership = sell_plan(till, member, till.unlimited_plan(name="Ilimitado mensual"))
    assert (membership.period_start, membership.period_end) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert membership.renews_on == JAN_1
    return member, membership


# ---- the daily check ------------------------------------------------------------


def test_a_running_membership_is_left_alone_on_its_last_day(db, till, clock, lapsing, outbox):
    member, membership = lapsing
    clock(on(date(2026, 12, 31)))
    outbox.clear()

    assert check_renewals() == {}
    assert till.reload(Membership, membership.id).status is ACTIVE
    assert outbox == []


def test_the_day_after_its_end_a_renewing_membership_is_past_due_and_the_member_is_emailed(
    db, till, clock, lapsing, outbox
):
    member, membership = lapsing
    clock(on(JAN_1))
    outbox.clear()

    assert check_renewals() == {"membership.past_due": 1}

    assert till.reload(Membership, membership.id).status is PAST_DUE
    assert audit_actions(db, membership)[-1] == ("membership.past_due", None)
    assert emails_of(db, member)[-1] == "membership_past_due"
    (message,) = outbox
    assert message.recipients == [member.email]
    assert message.subject == "Cupo Gym: your membership is due for renewal"
    assert "Ilimitado mensual" in message.body
    assert "December 31, 2026" in message.body and "January 5, 2027" in message.body
    renew_link = renewals.renew_url(external=True) or "/app/membership"
    assert renew_link in message.body and renew_link in message.html


def test_running_the_check_twice_changes_nothing_the_second_time(db, till, clock, lapsing, outbox):
    member, membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    audits, sent = len(audit_actions(db, membership)), len(outbox)

    assert check_renewals() == {}
    clock(on(JAN_5, hour=23))  # later the same days of grace
    assert check_renewals() == {}

    assert till.reload(Membership, membership.id).status is PAST_DUE
    assert len(audit_actions(db, membership)) == audits
    assert len(outbox) == sent
    assert emails_of(db, member).count("membership_past_due") == 1


def test_a_past_due_membership_expires_once_the_grace_is_over(db, till, clock, lapsing, outbox):
    member, membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    clock(datetime(2027, 1, 6, 5, 59, tzinfo=UTC))  # 23:59 on 5 January, local
    assert check_renewals() == {}
    outbox.clear()

    clock(datetime(2027, 1, 6, 6, 1, tzinfo=UTC))  # just after local midnight
    assert check_renewals() == {"membership.expired": 1}
    assert check_renewals() == {}

    assert till.reload(Membership, membership.id).status is EXPIRED
    assert [a for a, _actor in audit_actions(db, membership)][-2:] == [
        "membership.past_due",
        "membership.expired",
    ]
    assert audit_actions(db, membership)[-1] == ("membership.expired", None)
    (message,) = outbox
    assert message.subject == "Cupo Gym: your membership has expired"
    assert "Your Ilimitado mensual membership has expired" in message.body
    assert emails_of(db, member)[-2:] == ["membership_past_due", "membership_expired"]


def test_a_membership_a_later_one_took_over_expires_silently(db, till, clock, lapsing, outbox):
    member, membership = lapsing
    clock(on(date(2026, 12, 20)))
    renewal = sell_plan(till, member)  # paid early: starts the day after, no gap
    assert (renewal.period_start, renewal.period_end) == (JAN_1, date(2027, 1, 31))
    clock(on(JAN_1))
    outbox.clear()

    assert check_renewals() == {"membership.expired": 1}

    assert till.reload(Membership, membership.id).status is EXPIRED
    assert till.reload(Membership, renewal.id).status is ACTIVE
    assert audit_actions(db, membership)[-1] == ("membership.expired", None)
    assert outbox == []
    assert "membership_past_due" not in emails_of(db, member)


def test_a_past_due_membership_replaced_by_a_grant_expires_silently(
    db, till, clock, lapsing, outbox
):
    from app.memberships.services.memberships import grant_complimentary

    member, membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    clock(on(date(2027, 1, 3)))
    plan = till.unlimited_plan(name="Anual")
    grant_complimentary(member.id, plan.id, "Loyalty", actor=till.admin())
    clock(on(JAN_6))
    outbox.clear()

    assert check_renewals() == {"membership.expired": 1}

    assert till.reload(Membership, membership.id).status is EXPIRED
    assert outbox == []


def test_a_class_pack_past_its_end_expires_silently(db, till, clock, outbox):
    member = till.member()
    payment = record_payment(
        member.id,
        [Sale(ItemKind.PACK, plan_id=till.pack(days=10).id)],
        method=PaymentMethod.CARD,
        actor=till.desk(),
    )
    pack = till.reload(Membership, payment.invoice.lines[0].membership_id)
    assert (pack.period_end, pack.renews_on) == (date(2026, 12, 11), None)
    clock(on(date(2026, 12, 12)))
    outbox.clear()

    assert check_renewals() == {"membership.expired": 1}

    assert till.reload(Membership, pack.id).status is EXPIRED
    assert audit_actions(db, pack)[-1] == ("membership.expired", None)
    assert outbox == []


def test_a_check_that_did_not_run_for_the_whole_grace_expires_with_a_single_email(
    db, till, clock, lapsing, outbox
):
    member, membership = lapsing
    clock(on(date(2027, 1, 10)))
    outbox.clear()

    assert check_renewals() == {"membership.expired": 1}

    assert till.reload(Membership, membership.id).status is EXPIRED
    assert emails_of(db, member)[-1] == "membership_expired"
    assert "membership_past_due" not in emails_of(db, member)
    assert len(outbox) == 1


def test_cancelled_and_expired_memberships_are_never_touched(db, till, clock, lapsing, outbox):
    from app.memberships.services.memberships import cancel_membership

    member, membership = lapsing
    cancel_membership(membership.id, actor=till.desk())
    clock(on(date(2027, 2, 1)))
    outbox.clear()

    assert check_renewals() == {}
    assert till.reload(Membership, membership.id).status is CANCELLED
    assert outbox == []


def test_the_grace_follows_the_gym_setting(db, till, clock, lapsing):
    member, membership = lapsing
    set_grace(db, 0)
    clock(on(JAN_1))

    assert check_renewals() == {"membership.expired": 1}
    assert emails_of(db, member)[-1] == "membership_expired"


def test_the_job_entry_point_runs_the_check(db, till, clock, lapsing):
    from jobs import runner

    member, membership = lapsing
    clock(on(JAN_1))

    runner.check_renewals()

    assert till.reload(Membership, membership.id).status is PAST_DUE


def test_the_check_is_scheduled_daily():
    from pathlib import Path

    import fakeredis
    from rq.cron import CronScheduler

    schedule = Path(__file__).resolve().parents[2] / "jobs" / "schedule.py"
    scheduler = CronScheduler(connection=fakeredis.FakeRedis())
    scheduler.load_config_from_file(str(schedule))
    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    assert jobs["jobs.runner.check_renewals"].cron == "30 6 * * *"


def test_a_member_who_left_gets_no_email(db, till, clock, lapsing, outbox):
    member, membership = lapsing
    member.deleted_at = NOW
    db.session.commit()
    clock(on(JAN_1))
    outbox.clear()

    assert check_renewals() == {"membership.past_due": 1}
    assert outbox == []


# ---- booking in the grace ----------------------------------------------------------


def test_a_past_due_member_inside_the_grace_may_book_as_with_their_plan(db, till, clock, lapsing):
    member, membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    cs = class_on(till, date(2027, 1, 3))
    clock(on(date(2027, 1, 2)))

    booking = book_now(cs.id, member, actor=member)

    assert (booking.membership_id, booking.credits_cc) == (membership.id, 0)


def test_the_grace_applies_before_the_check_has_run_too(db, till, clock, lapsing):
    member, membership = lapsing
    cs = class_on(till, date(2027, 1, 2))
    clock(on(JAN_1))  # the membership is still marked active

    booking = book_now(cs.id, member, actor=member)

    assert booking.membership_id == membership.id


def test_a_class_after_the_grace_needs_a_renewal_even_while_past_due(db, till, clock, lapsing):
    member, _membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    last_day, too_late = class_on(till, JAN_5, hour=23), class_on(till, JAN_6)

    assert book_now(last_day.id, member, actor=member).credits_cc == 0
    with pytest.raises(BookingError) as refused:
        book_now(too_late.id, member, actor=member)
    assert str(refused.value) == REFUSAL


def test_once_the_check_expires_them_the_member_is_refused(db, till, clock, lapsing):
    member, _membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    clock(on(JAN_6))
    check_renewals()
    cs = class_on(till, JAN_6, hour=23)

    with pytest.raises(BookingError) as refused:
        book_now(cs.id, member, actor=member)

    assert str(refused.value) == REFUSAL
    assert unlimited_membership_on(member.id, JAN_6) is None
    assert db.session.scalar(select(func.count(Booking.id))) == 0


def test_a_payment_makes_an_expired_member_active_at_once(db, till, clock, lapsing, outbox):
    member, membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    clock(on(JAN_6))
    check_renewals()
    cs = class_on(till, JAN_6, hour=23)  # 17:00 today

    renewal = sell_plan(till, member, method=PaymentMethod.CASH)
    booking = book_now(cs.id, member, actor=member)

    assert (renewal.status, renewal.period_start, renewal.period_end) == (
        ACTIVE,
        JAN_6,
        date(2027, 2, 5),
    )
    assert booking.membership_id == renewal.id
    outbox.clear()
    assert check_renewals() == {}
    assert outbox == []


def test_a_payment_inside_the_grace_closes_the_past_due_period(db, till, clock, lapsing, outbox):
    member, membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    clock(on(date(2027, 1, 3)))

    renewal = sell_plan(till, member)

    assert (renewal.period_start, renewal.status) == (date(2027, 1, 3), ACTIVE)
    assert till.reload(Membership, membership.id).status is EXPIRED
    assert unlimited_membership_on(member.id, date(2027, 1, 3)).id == renewal.id
    clock(on(JAN_6))
    outbox.clear()
    assert check_renewals() == {}
    assert outbox == []


def test_the_schedule_shows_a_class_inside_the_grace_as_bookable(db, till, clock, lapsing):
    member, _membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    inside, after = class_on(till, date(2027, 1, 4)), class_on(till, date(2027, 1, 7))
    clock(on(date(2027, 1, 2)))

    states = member_states(
        member.id, [ScheduledSession(inside, 5), ScheduledSession(after, 5)], on(date(2027, 1, 2))
    )

    assert states[inside.id].state is SpotState.OPEN
    assert states[after.id].state is SpotState.NOT_ELIGIBLE


# ---- what the member sees -----------------------------------------------------------


def test_effective_status_before_the_check_catches_up(db, till, lapsing):
    _member, membership = lapsing

    assert effective_status(membership, date(2026, 12, 31)) is ACTIVE
    assert effective_status(membership, JAN_1) is PAST_DUE
    assert effective_status(membership, JAN_5) is PAST_DUE
    assert effective_status(membership, JAN_6) is EXPIRED


def test_effective_status_of_a_past_due_membership_after_the_grace_is_expired(db, till, lapsing):
    _member, membership = lapsing
    membership.status = PAST_DUE

    assert effective_status(membership, JAN_5) is PAST_DUE
    assert effective_status(membership, JAN_6) is EXPIRED


def test_effective_status_of_a_pack_past_its_end_is_expired(db, till):
    member = till.member()
    payment = record_payment(
        member.id,
        [Sale(ItemKind.PACK, plan_id=till.pack(days=10).id)],
        method=PaymentMethod.CARD,
        actor=till.desk(),
    )
    pack = till.reload(Membership, payment.invoice.lines[0].membership_id)

    assert effective_status(pack, date(2026, 12, 11)) is ACTIVE
    assert effective_status(pack, date(2026, 12, 12)) is EXPIRED


def test_the_snapshot_puts_a_past_due_plan_before_an_active_pack(db, till, clock, lapsing):
    member, membership = lapsing
    clock(on(date(2026, 12, 30)))
    record_payment(
        member.id,
        [Sale(ItemKind.PACK, plan_id=till.pack().id)],
        method=PaymentMethod.CARD,
        actor=till.desk(),
    )
    clock(on(JAN_1))
    check_renewals()

    snapshot = member_snapshot(member.id)

    assert snapshot.membership.id == membership.id
    assert snapshot.status is PAST_DUE
    assert snapshot.grace_until == JAN_5
    assert snapshot.balance_cc == 1000


def _login_and_read(client, member, path="/app/membership") -> str:
    from tests.conftest import post_form

    client.delete_cookie("session")
    response = post_form(client, "/login", {"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    return client.get(path).get_data(as_text=True)


def test_the_membership_page_says_past_due_and_how_to_renew(
    db, till, clock, lapsing, client, monkeypatch
):
    member, _membership = lapsing
    clock(on(date(2027, 1, 2)))
    monkeypatch.setattr(renewals, "renew_url", lambda external=False: "/app/shop")

    body = _login_and_read(client, member)

    assert "Past due" in body
    assert "You can keep booking classes until January 5, 2027." in body
    assert 'href="/app/shop"' in body and "Renew now" in body
    assert "Renew by" in body and "Jan 5, 2027" in body


def test_the_membership_page_says_expired_and_how_to_renew(db, till, clock, lapsing, client):
    member, _membership = lapsing
    clock(on(JAN_1))
    check_renewals()
    clock(on(JAN_6))
    check_renewals()

    body = _login_and_read(client, member)

    assert "Expired" in body
    assert "Your membership has expired. Renew it to book classes again." in body
    shop = renewals.renew_url()
    if shop is None:  # the member shop is not open yet: the desk renews it
        assert "You can renew at the front desk." in body
    else:
        assert f'href="{shop}"' in body


def test_an_active_member_is_not_asked_to_renew(db, till, lapsing, client):
    member, _membership = lapsing

    body = _login_and_read(client, member)

    assert "Active" in body and 'data-testid="renew"' not in body
