"""Back office: a session's roster (confirmed, held, waiting), its spots
left, its query count and who may open it."""

import re
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.booking.models import BookingStatus, HoldStatus, WaitlistStatus
from app.extensions import db as _db
from app.memberships.models import CC
from tests.accounts.support import page_text
from tests.booking import staff_support
from tests.booking.staff_support import member_ids_in, section
from tests.queries import counting_statements
from tests.scheduling import admin_support

#: fixtures shared with the back-office scheduling tests
admin = admin_support.admin
as_admin = admin_support.as_admin
as_desk = admin_support.as_desk
now = admin_support.now
desk = staff_support.desk


def roster_path(cs) -> str:
    return f"/admin/sessions/{cs.id}/roster"


def test_roster_lists_bookings_live_holds_and_the_waitlist_in_order(desk, as_admin):
    cs = desk.session(capacity=4, credits=2)
    ana, ben = desk.member(name="Ana López"), desk.member(name="Ben Ortiz")
    desk.booking(cs, ana, credits_cc=2 * CC)
    desk.booking(cs, ben, credits_cc=2 * CC)
    desk.booking(
        cs,
        desk.member(name="Gone Cancelled"),
        status=BookingStatus.CANCELLED,
        cancelled_at=staff_support.NOW,
    )
    cleo = desk.member(name="Cleo Ruiz")
    desk.hold(cs, cleo, expires_in=timedelta(minutes=7, seconds=30))
    desk.hold(cs, desk.member(name="Old Hold"), expires_in=timedelta(minutes=-1))
    desk.hold(cs, desk.member(name="Released Hold"), status=HoldStatus.RELEASED)
    fay, hal = desk.member(name="Fay Soto"), desk.member(name="Hal Vega")
    desk.waiting(cs, fay)
    desk.waiting(cs, desk.member(name="Left Line"), status=WaitlistStatus.LEFT)
    desk.waiting(cs, hal)

    response = as_admin.get(roster_path(cs))

    assert response.status_code == 200
    confirmed, holds, waitlist = (section(response, s) for s in ("confirmed", "holds", "waitlist"))
    assert member_ids_in(confirmed) == [ana.id, ben.id]
    assert "Ana López" in confirmed and ana.email in confirmed
    assert member_ids_in(holds) == [cleo.id]
    assert "8 minutes" in holds
    assert member_ids_in(waitlist) == [fay.id, hal.id]
    assert _positions(waitlist) == ["1", "2"]
    text = page_text(response)
    for gone in ("Gone Cancelled", "Old Hold", "Released Hold", "Left Line"):
        assert gone not in text
    assert "3 of 4" in text and "1 spot left" in text


def _positions(html: str) -> list[str]:
    return re.findall(r'data-testid="position">(\d+)<', html)


def test_roster_shows_a_waitlist_offer_as_a_held_spot_and_an_offered_place(desk, as_desk):
    cs = desk.session(capacity=1)
    fay = desk.member(name="Fay Soto")
    hold = desk.hold(cs, fay, is_priority=True, expires_in=timedelta(minutes=5))
    desk.waiting(cs, fay, status=WaitlistStatus.OFFERED, hold_id=hold.id)

    response = as_desk.get(roster_path(cs))

    assert member_ids_in(section(response, "holds")) == [fay.id]
    assert "Waitlist offer" in section(response, "holds")
    assert "Offered a spot until" in section(response, "waitlist")


def test_full_roster_tells_an_admin_to_raise_the_capacity(desk, as_admin):
    cs = desk.session(capacity=1)
    desk.booking(cs)

    text = page_text(as_admin.get(roster_path(cs)))

    assert "1 of 1" in text and "Full." in text
    assert f'href="/admin/sessions/{cs.id}/edit" data-testid="raise-capacity"' in text


def test_full_roster_tells_front_desk_an_admin_can_raise_the_capacity(desk, as_desk):
    cs = desk.session(capacity=1)
    desk.booking(cs)

    text = page_text(as_desk.get(roster_path(cs)))

    assert "An admin can raise the capacity to add more." in text
    assert 'data-testid="raise-capacity"' not in text


def test_roster_of_a_class_that_started_offers_no_booking_but_no_shows(desk, as_desk, clock):
    cs = desk.session(starts_in=timedelta(hours=1))
    desk.booking(cs)
    clock(staff_support.NOW + timedelta(hours=1, minutes=5))

    text = page_text(as_desk.get(roster_path(cs)))

    assert "Book a member" not in text
    assert "No-show" in text


def test_roster_of_an_upcoming_class_offers_booking_but_no_no_shows(desk, as_desk):
    cs = desk.session()
    desk.booking(cs)

    text = page_text(as_desk.get(roster_path(cs)))

    assert "Book a member" in text
    assert "No-show" not in text


def test_session_page_links_to_its_roster(desk, as_desk):
    cs = desk.session()

    text = page_text(as_desk.get(f"/admin/sessions/{cs.id}"))

    assert f'href="/admin/sessions/{cs.id}/roster"' in text


def test_roster_of_a_missing_session_is_404(as_admin):
    assert as_admin.get("/admin/sessions/999999/roster").status_code == 404


def _fill(desk, cs, bookings: int) -> None:
    for _ in range(bookings):
        desk.booking(cs, credits_cc=CC)
    for _ in range(bookings // 5):
        desk.hold(cs)
        desk.waiting(cs)


def _statements(client, cs) -> int:
    _db.session.expunge_all()  # a real request starts with nothing loaded
    with counting_statements(_db.engine) as statements:
        response = client.get(roster_path(cs))
    assert response.status_code == 200
    return len(statements)


def test_roster_runs_the_same_statements_for_10_and_60_bookings(desk, as_admin):
    few_people, many_people = desk.session(capacity=100), desk.session(capacity=100)
    _fill(desk, few_people, 10)
    _fill(desk, many_people, 60)

    few = _statements(as_admin, few_people)
    many = _statements(as_admin, many_people)

    assert few == many
    assert len(desk.bookings_of(many_people)) == 60


@pytest.mark.parametrize("role", ["member", "trainer"])
def test_roster_is_refused_to_members_and_trainers(desk, client, login, factories, now, role):
    cs = desk.session()
    login(factories.user(Role(role)))

    response = client.get(roster_path(cs))

    assert response.status_code == 403
