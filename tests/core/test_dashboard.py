"""The back-office dashboard: how today is going, for the desk and admins."""

from datetime import timedelta

import pytest

from app.attendance.services import check_in
from app.billing.models import EventStatus, ItemKind, PaymentMethod, WebhookEvent
from app.billing.services.payments import Sale, record_payment, refund_payment
from app.booking.services.bookings import book_now, mark_no_show
from app.core.i18n import money
from app.memberships.models import MembershipStatus
from app.portals import dashboard as queries
from tests.accounts.support import page_text
from tests.billing.conftest import NOW, Till
from tests.billing.support import membership_ending as _membership
from tests.queries import counting_statements

DASHBOARD = "/admin/"


@pytest.fixture
def till(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    return Till(db, factories, schedule)


def _sell(member, actor, method, price_minor):
    return record_payment(
        member.id,
        [Sale(ItemKind.OTHER, description="Agua", price_minor=price_minor)],
        method=method,
        actor=actor,
        tendered_minor=price_minor if method is PaymentMethod.CASH else None,
    )


def _classes(till, clock, desk, admin):
    """An 8:00 class (one in, one no-show), a 9:30 one (one booked), one tomorrow."""
    clock(NOW - timedelta(hours=3))
    early = till.session(name="Early Spin", starts_in=timedelta(hours=-1), capacity=5)
    came, missed = till.member(credits=2), till.member(credits=2)
    came_booking = book_now(early.id, came, actor=admin)
    missed_booking = book_now(early.id, missed, actor=admin)
    clock(NOW)
    nxt = till.session(name="Noon Yoga", starts_in=timedelta(minutes=30), capacity=8)
    book_now(nxt.id, till.member(credits=2), actor=admin)
    later = till.session(name="Tomorrow Box", starts_in=timedelta(days=1), capacity=10)
    book_now(later.id, till.member(credits=2), actor=admin)
    clock(early.starts_at + timedelta(minutes=5))
    check_in(came_booking.id, actor=desk)
    clock(early.starts_at + timedelta(minutes=20))
    mark_no_show(missed_booking.id, actor=desk)
    clock(NOW)
    return early, nxt


@pytest.fixture
def day(till, clock):
    """Today's classes and takings, a few renewals, a failed gateway event."""
    desk, admin = till.desk(), till.admin()
    early, nxt = _classes(till, clock, desk, admin)
    payer = till.member()
    clock(NOW - timedelta(days=1))
    _sell(payer, desk, PaymentMethod.CASH, 99_000)  # yesterday: not today's takings
    clock(NOW)
    _sell(payer, desk, PaymentMethod.CASH, 20_000)
    _sell(payer, desk, PaymentMethod.CARD, 30_000)
    refunded = _sell(payer, desk, PaymentMethod.CARD, 5_000)
    refund_payment(refunded.id, "Wrong item", actor=admin)
    monthly = till.unlimited_plan()
    _membership(till, till.member(), monthly, 3)
    _membership(till, till.member(), monthly, 20)
    _membership(till, till.member(), monthly, -2, MembershipStatus.PAST_DUE)
    till.db.session.add(
        WebhookEvent(
            gateway="sandbox",
            event_id="evt_1",
            event_type="payment.succeeded",
            payload={},
            status=EventStatus.FAILED,
        )
    )
    till.db.session.commit()
    return {"desk": desk, "admin": admin, "next": nxt}


def test_todays_classes(day):
    classes = queries.classes_today()
    assert (classes.classes, classes.capacity) == (2, 13)
    assert (classes.booked, classes.checked_in, classes.no_shows) == (2, 1, 1)
    nxt = classes.next_class
    assert (nxt.session_id, nxt.name, nxt.booked, nxt.capacity) == (
        day["next"].id,
        "Noon Yoga",
        1,
        8,
    )


def test_todays_takings_by_method_with_the_refund_apart(day):
    takings = queries.takings_today()
    by_method = {row.method: (row.count, row.amount_minor) for row in takings.by_method}
    assert by_method == {
        PaymentMethod.CASH: (1, 20_000),
        PaymentMethod.CARD: (1, 30_000),
        PaymentMethod.TRANSFER: (0, 0),
        PaymentMethod.ONLINE: (0, 0),
    }
    assert (takings.count, takings.amount_minor) == (2, 50_000)
    assert (takings.returned_count, takings.returned_minor) == (1, 5_000)


def test_renewals(day):
    renewals = queries.renewals()
    assert (renewals.days, renewals.due_soon, renewals.past_due) == (7, 1, 1)


def test_the_desk_sees_today_without_the_admin_alerts(day, client, login, app):
    login(day["desk"])
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    with app.test_request_context():
        for amount in (money(20_000), money(30_000), money(50_000), money(5_000)):
            assert amount in text
    assert 'data-testid="classes-booked">2 of 13<' in html
    assert "Noon Yoga at 9:30" in text
    assert f"/admin/sessions/{day['next'].id}/attendance" in html
    for url in ("/admin/billing/payments/new", "/admin/billing/renewals", "/admin/scan"):
        assert url in html
    assert "/desk/kiosk" in html and "/admin/scans" in html
    assert 'data-testid="failed-webhooks"' not in html
    assert "/admin/billing/webhooks" not in html


def test_admins_are_warned_of_failed_gateway_events(day, client, login):
    login(day["admin"])
    response = client.get(DASHBOARD)
    html = response.get_data(as_text=True)
    assert 'data-testid="failed-webhooks"' in html
    assert "1 payment gateway event failed." in page_text(response)
    assert "/admin/billing/webhooks?failed=1" in html


def test_a_quiet_day(till, client, login):
    login(till.desk())
    text = page_text(client.get(DASHBOARD))
    assert "No more classes today." in text


@pytest.mark.parametrize("who", ["trainer", "member"])
def test_others_may_not_see_it(till, client, login, who):
    login(getattr(till.factories, who)())
    assert client.get(DASHBOARD).status_code == 403


def _statements(client, db):
    with counting_statements(db.engine) as statements:
        assert client.get(DASHBOARD).status_code == 200
    return len(statements)


def test_statements_do_not_grow_with_the_day(till, client, login, db, clock):
    admin, desk = till.admin(), till.desk()
    login(admin)

    def add(n):
        for _ in range(n):
            cs = till.session(starts_in=timedelta(hours=2))
            book_now(cs.id, till.member(credits=2), actor=admin)
            _sell(till.member(), desk, PaymentMethod.CARD, 10_000)

    add(1)
    _statements(client, db)  # warm caches
    one = _statements(client, db)
    add(9)
    assert _statements(client, db) == one
