"""Plans, memberships and credit adjustments: the rules and what they write."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from app.accounts.models import Role
from app.core.audit import AuditEntry
from app.core.db import transaction
from app.core.errors import AccessDenied
from app.memberships import ledger
from app.memberships.ledger import CreditError, check_ledger
from app.memberships.models import (
    CC,
    CreditLot,
    EntryKind,
    LedgerEntry,
    LotSource,
    Membership,
    MembershipStatus,
    Plan,
    PlanInterval,
    PlanKind,
)
from app.memberships.queries import member_snapshot
from app.memberships.rules import add_months
from app.memberships.services.memberships import (
    MembershipError,
    adjust_credits,
    cancel_membership,
    grant_complimentary,
    save_plan,
)

# services word their refusals for a person: read them in English
pytestmark = pytest.mark.usefixtures("app_ctx")

#: noon in Mexico City on 31 January 2026 (UTC-6, no daylight saving)
NOON = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)
TODAY = date(2026, 1, 31)


@pytest.fixture
def frozen(clock):
    return clock(NOON)


def _actions(db, action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _plan_values(**overrides):
    values = {
        "name": "Ilimitado",
        "description": "Todo incluido",
        "price_minor": 89_900,
        "interval": PlanInterval.MONTH,
        "kind": PlanKind.UNLIMITED,
        "credits_cc": None,
        "valid_days": None,
        "perks": ["Towel"],
        "entitlements": ["sauna"],
        "is_active": True,
    }
    return {**values, **overrides}


# ---- plans ------------------------------------------------------------------


def test_save_plan_creates_a_plan_and_audits_it(db, factories):
    admin = factories.admin()

    plan = save_plan(None, _plan_values(), actor=admin)

    stored = db.session.get(Plan, plan.id, populate_existing=True)
    assert (stored.name, stored.price_minor, stored.currency) == ("Ilimitado", 89_900, "MXN")
    assert (stored.perks, stored.entitlements) == (["Towel"], ["sauna"])
    [entry] = _actions(db, "plan.created")
    assert entry.actor_id == admin.id and entry.after["price_minor"] == 89_900


def test_save_plan_updates_and_records_before_and_after(db, factories, memberships):
    plan = memberships.plan(name="Old name")

    save_plan(plan.id, _plan_values(name="New name", is_active=False), actor=memberships.admin)

    assert db.session.get(Plan, plan.id, populate_existing=True).is_active is False
    [entry] = _actions(db, "plan.updated")
    assert (entry.before["name"], entry.after["name"]) == ("Old name", "New name")


def test_save_plan_refuses_a_name_already_taken_whatever_its_case(db, memberships):
    memberships.plan(name="Yoga pass")

    with pytest.raises(MembershipError) as caught:
        save_plan(None, _plan_values(name="YOGA PASS"), actor=memberships.admin)

    assert (str(caught.value), caught.value.field) == (
        "There is already a plan with this name.",
        "name",
    )


def test_save_plan_refuses_an_unlimited_plan_without_a_period(memberships):
    with pytest.raises(MembershipError) as caught:
        save_plan(None, _plan_values(interval=PlanInterval.NONE), actor=memberships.admin)

    assert str(caught.value) == "An unlimited plan runs by the month or by the year."
    assert caught.value.field == "interval"


@pytest.mark.parametrize(
    ("credits_cc", "valid_days", "message", "field"),
    [
        (None, 30, "Enter how many credits the pack gives.", "credits"),
        (0, 30, "Enter how many credits the pack gives.", "credits"),
        (500, None, "Enter between 1 and 3660 days.", "valid_days"),
        (500, 0, "Enter between 1 and 3660 days.", "valid_days"),
    ],
)
def test_save_plan_refuses_an_incomplete_credit_pack(
    db, memberships, credits_cc, valid_days, message, field
):
    values = _plan_values(
        kind=PlanKind.CREDITS,
        interval=PlanInterval.NONE,
        credits_cc=credits_cc,
        valid_days=valid_days,
    )

    with pytest.raises(MembershipError) as caught:
        save_plan(None, values, actor=memberships.admin)

    assert (str(caught.value), caught.value.field) == (message, field)
    assert db.session.scalar(select(Plan.id).where(Plan.name == "Ilimitado")) is None


def test_save_plan_clears_pack_fields_of_an_unlimited_plan(db, memberships):
    values = _plan_values(credits_cc=500, valid_days=30)

    plan = save_plan(None, values, actor=memberships.admin)

    assert (plan.credits_cc, plan.valid_days) == (None, None)


@pytest.mark.parametrize("role", ["front_desk", "trainer", "member"])
def test_save_plan_is_refused_to_anyone_but_an_admin(db, factories, role):
    actor = factories.user(role=Role(role))

    with pytest.raises(AccessDenied):
        save_plan(None, _plan_values(), actor=actor)

    assert db.session.scalar(select(Plan.id)) is None


# ---- complimentary grants ---------------------------------------------------


def test_add_months_keeps_the_day_inside_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)


def test_grant_unlimited_monthly_plan_covers_one_month_complimentary(
    db, factories, memberships, frozen
):
    admin = factories.admin()
    member = factories.member()
    plan = memberships.plan(name="Mensual")

    membership = grant_complimentary(
        member.id, plan.id, "  Prize of the\nsummer challenge ", actor=admin
    )

    stored = db.session.get(Membership, membership.id, populate_existing=True)
    assert stored.status is MembershipStatus.ACTIVE
    assert (stored.period_start, stored.period_end) == (TODAY, date(2026, 2, 27))
    assert stored.renews_on == date(2026, 2, 28)
    assert stored.complimentary_reason == "Prize of the summer challenge"
    assert stored.is_complimentary and stored.payment_note == ""
    assert db.session.scalar(select(CreditLot.id).where(CreditLot.member_id == member.id)) is None
    [entry] = _actions(db, "membership.granted")
    assert entry.actor_id == admin.id
    assert (entry.after["plan_id"], entry.after["plan"]) == (plan.id, "Mensual")
    assert entry.after["reason"] == "Prize of the summer challenge"
    assert _actions(db, "membership.assigned") == []


def test_grant_of_a_pack_marks_its_credit_lot_complimentary(db, factories, memberships, frozen):
    member = factories.member()

    memberships.membership(
        member, memberships.pack(credits=5, days=30), reason="Sorry for the leak"
    )

    [lot] = db.session.scalars(select(CreditLot).where(CreditLot.member_id == member.id))
    assert lot.complimentary_reason == "Sorry for the leak" and lot.is_complimentary
    assert lot.granted_cc == 500


def test_grant_is_refused_to_the_front_desk(db, factories, memberships):
    plan = memberships.plan()

    with pytest.raises(AccessDenied):
        grant_complimentary(factories.member().id, plan.id, "Friend", actor=factories.front_desk())

    assert db.session.scalar(select(Membership.id)) is None
    assert _actions(db, "membership.granted") == []


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why this is given free."),
        (" \t\n ", "Say why this is given free."),
        (None, "Say why this is given free."),
        ("x" * 301, "Use at most 300 characters."),
    ],
)
def test_grant_needs_a_short_reason(db, factories, memberships, reason, message):
    plan = memberships.pack()
    member = factories.member()

    with pytest.raises(MembershipError) as caught:
        grant_complimentary(member.id, plan.id, reason, actor=memberships.admin)

    assert (str(caught.value), caught.value.field) == (message, "reason")
    assert db.session.scalar(select(Membership.id)) is None
    assert db.session.scalar(select(CreditLot.id)) is None


def test_a_sold_plan_is_not_complimentary(db, factories, memberships, frozen):
    from app.memberships.services.memberships import sell_plan

    member = factories.member()
    membership, _lot = sell_plan(member.id, memberships.plan().id, "paid, see invoice", actor=None)

    assert membership.complimentary_reason is None and not membership.is_complimentary
    [entry] = _actions(db, "membership.assigned")
    assert "reason" not in entry.after


def test_grant_yearly_plan_covers_one_year(db, factories, memberships, frozen):
    plan = memberships.plan(interval=PlanInterval.YEAR)

    membership = memberships.membership(plan=plan, starts_on=date(2026, 3, 1))

    assert (membership.period_end, membership.renews_on) == (date(2027, 2, 28), date(2027, 3, 1))


def test_grant_credit_pack_grants_a_lot_expiring_at_the_end_of_its_last_day(
    db, factories, memberships, frozen
):
    member = factories.member()
    plan = memberships.pack(credits=10, days=60)

    membership = memberships.membership(member, plan)

    assert membership.period_end == date(2026, 4, 1)  # 31 Jan + 60 days
    assert membership.renews_on is None
    [lot] = db.session.scalars(select(CreditLot).where(CreditLot.member_id == member.id))
    assert (lot.source, lot.granted_cc, lot.remaining_cc) == (LotSource.PURCHASE, 1000, 1000)
    assert lot.membership_id == membership.id
    # the end of 1 April in Mexico City is 06:00 UTC on 2 April
    assert lot.expires_at == datetime(2026, 4, 2, 6, 0, tzinfo=UTC)
    [entry] = db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member.id))
    assert (entry.kind, entry.amount_cc) == (EntryKind.PURCHASE, 1000)
    assert ledger.balance(member.id) == 1000
    assert check_ledger() == []


def test_grant_refuses_a_plan_no_longer_on_sale(db, factories, memberships):
    plan = memberships.plan(is_active=False)
    member = factories.member()

    with pytest.raises(MembershipError) as caught:
        grant_complimentary(member.id, plan.id, "Prize", actor=memberships.admin)

    assert (str(caught.value), caught.value.field) == ("This plan is no longer offered.", "plan_id")
    assert db.session.scalar(select(Membership.id)) is None


def test_grant_refuses_a_staff_account(db, factories, memberships):
    plan = memberships.plan()

    with pytest.raises(MembershipError) as caught:
        grant_complimentary(factories.trainer().id, plan.id, "Prize", actor=memberships.admin)

    assert str(caught.value) == "This person is not a member."


def test_grant_refuses_a_second_unlimited_plan_for_the_same_dates(
    db, factories, memberships, frozen
):
    member = factories.member()
    memberships.membership(member, memberships.plan())

    with pytest.raises(MembershipError) as caught:
        memberships.membership(member, memberships.plan(), starts_on=date(2026, 2, 20))

    assert str(caught.value) == ("This member already has an unlimited membership for these dates.")
    assert len(list(db.session.scalars(select(Membership.id)))) == 1


def test_grant_allows_the_next_month_and_packs_next_to_an_unlimited_plan(
    db, factories, memberships, frozen
):
    member = factories.member()
    memberships.membership(member, memberships.plan())

    memberships.membership(member, memberships.plan(), starts_on=date(2026, 2, 28))
    memberships.membership(member, memberships.pack())

    assert len(list(db.session.scalars(select(Membership.id)))) == 3


@pytest.mark.parametrize(
    ("starts_on", "message"),
    [
        (date(2025, 12, 30), "A membership can start at most 31 days ago."),
        (date(2027, 2, 1), "A membership can start at most 365 days ahead."),
    ],
)
def test_grant_refuses_a_start_date_out_of_range(
    db, factories, memberships, frozen, starts_on, message
):
    with pytest.raises(MembershipError) as caught:
        memberships.membership(starts_on=starts_on)

    assert (str(caught.value), caught.value.field) == (message, "starts_on")


def test_grant_is_refused_to_a_trainer(db, factories, memberships):
    plan = memberships.plan()

    with pytest.raises(AccessDenied):
        grant_complimentary(factories.member().id, plan.id, "Prize", actor=factories.trainer())

    assert db.session.scalar(select(Membership.id)) is None


# ---- cancelling -------------------------------------------------------------


def test_cancel_membership_ends_it_keeps_its_credits_and_audits(db, factories, memberships, frozen):
    member = factories.member()
    membership = memberships.membership(member, memberships.pack(credits=5, days=30))
    desk = factories.front_desk()

    cancel_membership(membership.id, actor=desk)

    stored = db.session.get(Membership, membership.id, populate_existing=True)
    assert stored.status is MembershipStatus.CANCELLED and stored.cancelled_at == NOON
    assert ledger.balance(member.id) == 500
    [entry] = _actions(db, "membership.cancelled")
    assert (entry.before["status"], entry.after["status"]) == ("active", "cancelled")


def test_cancel_membership_twice_is_refused(db, factories, memberships):
    membership = memberships.membership()
    cancel_membership(membership.id, actor=memberships.admin)

    with pytest.raises(MembershipError) as caught:
        cancel_membership(membership.id, actor=memberships.admin)

    assert str(caught.value) == "This membership has already ended."
    assert len(_actions(db, "membership.cancelled")) == 1


# ---- adjusting credits ------------------------------------------------------


def test_adjust_credits_adds_a_lot_valid_through_the_chosen_day(db, factories, memberships, frozen):
    member = factories.member()
    desk = factories.front_desk()

    lot = adjust_credits(member.id, 150, "Goodwill", expires_on=date(2026, 2, 15), actor=desk)

    assert (lot.source, lot.granted_cc) == (LotSource.ADJUSTMENT, 150)
    assert lot.expires_at == datetime(2026, 2, 16, 6, 0, tzinfo=UTC)
    [entry] = db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member.id))
    assert (entry.kind, entry.amount_cc, entry.reason, entry.actor_id) == (
        EntryKind.ADJUSTMENT,
        150,
        "Goodwill",
        desk.id,
    )
    [audit_entry] = _actions(db, "credits.adjusted")
    assert audit_entry.entity_id == str(member.id)
    assert audit_entry.after == {
        "amount_cc": 150,
        "reason": "Goodwill",
        "lot_id": lot.id,
        "expires_on": "2026-02-15",
    }
    assert check_ledger() == []


def test_adjust_credits_takes_partial_credits_first_expiring_first(
    db, factories, memberships, frozen
):
    member = factories.member()
    soon = memberships.lot(member, 100, NOON + timedelta(days=10))
    later = memberships.lot(member, 300, NOON + timedelta(days=40))

    adjust_credits(member.id, -150, "Double grant", actor=memberships.admin)

    assert db.session.get(CreditLot, soon.id, populate_existing=True).remaining_cc == 0
    assert db.session.get(CreditLot, later.id, populate_existing=True).remaining_cc == 250
    assert ledger.balance(member.id) == 250
    assert check_ledger() == []


@pytest.mark.parametrize(
    ("amount_cc", "reason", "expires_on", "message", "field"),
    [
        (100, "  ", date(2026, 3, 1), "Give a reason for the adjustment.", "reason"),
        (0, "Oops", None, "Enter a number of credits other than zero.", "credits"),
        (100, "Gift", None, "Choose when these credits expire.", "expires_on"),
        (100, "Gift", date(2026, 1, 30), "Choose today or a later date.", "expires_on"),
        (-50, "Fix", None, "The member doesn't have that many credits.", "credits"),
    ],
)
def test_adjust_credits_refusals_write_nothing(
    db, factories, frozen, amount_cc, reason, expires_on, message, field
):
    member = factories.member()

    with pytest.raises((MembershipError, CreditError)) as caught:
        adjust_credits(member.id, amount_cc, reason, expires_on=expires_on, actor=factories.admin())

    assert (str(caught.value), caught.value.field) == (message, field)
    assert db.session.scalar(select(LedgerEntry.id)) is None
    assert _actions(db, "credits.adjusted") == []


def test_adjust_credits_is_refused_for_a_trainer_account(db, factories):
    with pytest.raises(MembershipError) as caught:
        adjust_credits(
            factories.trainer().id, 100, "x", expires_on=date(2099, 1, 1), actor=factories.admin()
        )

    assert str(caught.value) == "This person is not a member."


def test_adjust_credits_is_refused_to_a_member(db, factories):
    member = factories.member()

    with pytest.raises(AccessDenied):
        adjust_credits(member.id, 100, "Free", expires_on=date(2099, 1, 1), actor=member)

    assert db.session.scalar(select(LedgerEntry.id)) is None


# ---- the snapshot -----------------------------------------------------------


def test_snapshot_shows_the_unlimited_plan_with_perks_of_everything_held(
    db, factories, memberships, frozen
):
    member = factories.member()
    unlimited = memberships.plan(name="Unlimited", perks=["Towel"], entitlements=["sauna"])
    pack = memberships.pack(credits=5, days=30, perks=["Guest pass"], entitlements=["pool"])
    memberships.membership(member, pack)
    main = memberships.membership(member, unlimited)

    snapshot = member_snapshot(member.id)

    assert snapshot.membership.id == main.id
    assert snapshot.status is MembershipStatus.ACTIVE
    assert snapshot.renews_on == date(2026, 2, 28)
    assert sorted(snapshot.perks) == ["Guest pass", "Towel"]
    assert sorted(snapshot.entitlements) == ["pool", "sauna"]
    assert snapshot.balance_cc == 500


def test_snapshot_calls_a_membership_past_its_end_expired(db, factories, memberships, clock):
    member = factories.member()
    clock(NOON)
    memberships.membership(member, memberships.plan(perks=["Towel"]))
    clock(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))

    snapshot = member_snapshot(member.id)

    assert snapshot.status is MembershipStatus.EXPIRED
    assert (snapshot.renews_on, snapshot.perks) == (None, [])


def test_snapshot_of_a_member_without_anything(db, factories):
    snapshot = member_snapshot(factories.member().id)

    assert (snapshot.membership, snapshot.status, snapshot.balance_cc) == (None, None, 0)


# ---- the ledger check -------------------------------------------------------


def test_ledger_is_clean_after_purchases_spends_refunds_and_adjustments(
    db, factories, memberships, booked
):
    member = factories.member()
    memberships.membership(member, memberships.pack(credits=3, days=30))
    first, second = booked(member, CC), booked(member, CC)

    with transaction():
        ledger.settle(ledger.spend_for(first.id), 50, reason="late cancel")
        ledger.settle(ledger.spend_for(second.id), 0, reason="no-show")
    adjust_credits(member.id, -50, "Correction", actor=memberships.admin)

    assert ledger.balance(member.id) == 100
    assert check_ledger() == []


def test_ledger_check_names_a_credit_booking_without_its_spend(db, factories, memberships, booked):
    member = factories.member()
    memberships.lot(member, 500)
    booking = booked(member, CC, spend=False)

    breaches = check_ledger()

    assert [str(b) for b in breaches] == [f"booking spends: booking {booking.id}: 0 spend entries"]


def test_ledger_check_ignores_bookings_paid_by_an_unlimited_plan(db, factories, booked):
    booked(factories.member(), 0, spend=False)

    assert check_ledger() == []


def test_ledger_check_names_a_lot_whose_remaining_was_changed(db, factories, memberships):
    member = factories.member()
    lot = memberships.lot(member, 500)
    db.session.execute(
        text("UPDATE credit_lots SET remaining_cc = 900 WHERE id = :id"), {"id": lot.id}
    )

    assert [str(b) for b in check_ledger()] == [f"lot balance: lot {lot.id}: 900 kept, 500 summed"]
