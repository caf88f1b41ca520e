"""The attendance list: who sees it, one-tap check-in and undo (with and
without HTMX), walk-ins, the statuses after the class, and its query count."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.attendance import services
from app.attendance.models import CheckIn, CheckInMethod
from app.booking.models import Booking, BookingStatus
from app.booking.services.bookings import book_now, cancel_booking
from app.core.db import transaction
from app.extensions import db as _db
from app.memberships import ledger
from app.memberships.models import CC
from app.settings.models import DEFAULTS, GymSettings
from tests.accounts.support import field_error, flashes, page_text
from tests.attendance.conftest import NOW
from tests.conftest import post_form
from tests.queries import counting_statements


def trainer_path(cs) -> str:
    return f"/trainer/sessions/{cs.id}/attendance"


def staff_path(cs) -> str:
    return f"/admin/sessions/{cs.id}/attendance"


def tap(client, booking, action: str = "check-in", *, htmx: bool = False, **kw):
    headers = {"HX-Request": "true"} if htmx else {}
    return post_form(
        client,
        f"/attendance/bookings/{booking.id}/{action}",
        {"audience": "trainer"},
        token_from="/trainer/",
        headers=headers,
        **kw,
    )


def walk_in(client, cs, text: str, **kw):
    return post_form(
        client,
        f"/trainer/sessions/{cs.id}/walk-in",
        {"member": text},
        token_from=trainer_path(cs),
        **kw,
    )


def check_ins(db, booking_id=None) -> list[CheckIn]:
    query = select(CheckIn).execution_options(populate_existing=True)
    if booking_id is not None:
        query = query.where(CheckIn.booking_id == booking_id)
    return list(db.session.scalars(query))


def row_status(response, booking) -> str | None:
    match = re.search(
        rf'data-booking-id="{booking.id}" data-status="(\w+)"', response.get_data(as_text=True)
    )
    return match.group(1) if match else None


def count(response, key: str) -> int:
    match = re.search(rf'data-count="{key}">(\d+)<', response.get_data(as_text=True))
    return int(match.group(1))


def another_trainer(door):
    return door.schedule.trainer(name="Other Trainer").user


# --- who sees the list -------------------------------------------------------


def test_trainer_sees_their_class_with_its_booked_members(door, client, login):
    cs, member, booking = door.booked(capacity=8)
    login(door.trainer_of(cs))

    response = client.get(trainer_path(cs))

    text = page_text(response)
    assert response.status_code == 200
    assert cs.class_type.name in text and cs.room.name in text and cs.trainer.name in text
    assert member.name in text and row_status(response, booking) == "expected"
    assert f'aria-label="Check in {member.name}"' in text
    assert (count(response, "booked"), count(response, "expected")) == (1, 1)
    assert 'href="/trainer/?week=' in text  # back to the week of the class


def test_another_trainers_class_is_404(door, client, login):
    cs, _member, _booking = door.booked()
    login(another_trainer(door))

    assert client.get(trainer_path(cs)).status_code == 404


def test_members_are_refused_both_lists(door, client, login):
    cs, member, _booking = door.booked()
    login(member)

    assert client.get(trainer_path(cs)).status_code == 403
    assert client.get(staff_path(cs)).status_code == 403


def test_front_desk_sees_the_staff_list_in_the_back_office(door, client, login):
    cs, member, _booking = door.booked()
    login(door.factories.front_desk())

    response = client.get(staff_path(cs))

    assert response.status_code == 200
    assert member.name in page_text(response)
    assert f'href="/admin/sessions/{cs.id}/roster"' in page_text(response)


def test_missing_class_is_404(door, client, login):
    login(door.factories.front_desk())

    assert client.get("/admin/sessions/999999/attendance").status_code == 404


# --- check in and undo -------------------------------------------------------


def test_check_in_marks_the_member_present(door, client, login, db):
    cs, member, booking = door.booked()
    login(door.trainer_of(cs))

    response = tap(client, booking, follow_redirects=True)

    [check_in] = check_ins(db, booking.id)
    assert (check_in.method, check_in.is_late, check_in.checked_in_at) == (
        CheckInMethod.LIST,
        False,
        NOW,
    )
    assert flashes(response) == [f"{member.name} is checked in."]
    assert row_status(response, booking) == "present"
    assert count(response, "present") == 1


def test_check_in_after_the_grace_period_marks_late(door, client, login, clock, db):
    cs, member, booking = door.booked()
    clock(cs.starts_at + timedelta(minutes=DEFAULTS["late_grace_minutes"], seconds=1))
    login(door.trainer_of(cs))

    response = tap(client, booking, follow_redirects=True)

    assert check_ins(db, booking.id)[0].is_late
    assert flashes(response) == [f"{member.name} is checked in, late."]
    assert row_status(response, booking) == "late"
    assert count(response, "late") == 1


def test_check_in_within_a_shorter_grace_period_setting_is_late(door, client, login, clock, db):
    cs, _member, booking = door.booked()
    db.session.merge(GymSettings(id=1, **{**DEFAULTS, "late_grace_minutes": 2}))
    db.session.commit()
    clock(cs.starts_at + timedelta(minutes=3))
    login(door.trainer_of(cs))

    tap(client, booking)

    assert check_ins(db, booking.id)[0].is_late


def test_undo_takes_the_check_in_back(door, client, login, db):
    cs, member, booking = door.booked()
    login(door.trainer_of(cs))
    tap(client, booking)

    response = tap(client, booking, "undo", follow_redirects=True)

    assert check_ins(db, booking.id) == []
    assert flashes(response) == [f"{member.name}'s check-in is undone."]
    assert row_status(response, booking) == "expected"


def test_another_trainer_can_neither_check_in_nor_undo(door, client, login, db):
    cs, _member, booking = door.booked()
    outsider = another_trainer(door)
    login(outsider)

    assert tap(client, booking).status_code == 404
    assert check_ins(db) == []

    with transaction():
        services.check_in(booking.id, actor=door.trainer_of(cs))
    login(outsider)
    assert tap(client, booking, "undo").status_code == 404
    assert len(check_ins(db, booking.id)) == 1


def test_members_cannot_check_in(door, client, login, db):
    _cs, member, booking = door.booked()
    login(member)

    assert tap(client, booking).status_code == 403
    assert check_ins(db) == []


def test_check_in_of_a_cancelled_booking_is_refused_with_a_message(door, client, login, db):
    cs, member, booking = door.booked()
    cancel_booking(booking.id, member, actor=member)
    login(door.trainer_of(cs))

    response = tap(client, booking, follow_redirects=True)

    assert flashes(response) == ["Cancelled: this booking no longer stands."]
    assert check_ins(db) == []


def test_htmx_check_in_returns_the_row_and_the_counts(door, client, login, db):
    cs, member, booking = door.booked()
    login(door.trainer_of(cs))

    response = tap(client, booking, htmx=True)

    html = page_text(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(
        f'<li class="list-group-item px-3 py-2" id="booking-{booking.id}"'
    )
    assert row_status(response, booking) == "present"
    assert "Present at 9:00 AM" in html  # NOW in the gym's time zone (Mexico City)
    assert f'aria-label="Undo the check-in of {member.name}"' in html
    assert 'id="attendance-counts" data-hx-swap-oob="true"' in html
    assert count(response, "present") == 1
    assert f"{member.name} is checked in." in html
    assert "<html" not in html


def test_htmx_undo_returns_the_row_expected_again(door, client, login, db):
    cs, member, booking = door.booked()
    login(door.trainer_of(cs))
    tap(client, booking)

    response = tap(client, booking, "undo", htmx=True)

    assert row_status(response, booking) == "expected"
    assert f'aria-label="Check in {member.name}"' in page_text(response)
    assert (count(response, "present"), count(response, "expected")) == (0, 1)
    assert check_ins(db) == []


def test_htmx_refusal_comes_back_as_an_alert_in_the_row(door, client, login, db):
    cs, member, booking = door.booked()
    cancel_booking(booking.id, member, actor=member)
    login(door.trainer_of(cs))

    response = tap(client, booking, htmx=True)

    html = page_text(response)
    assert response.status_code == 200
    assert row_status(response, booking) == "cancelled"
    assert re.search(r'role="alert"[^>]*>Cancelled: this booking no longer stands\.<', html)
    assert 'data-action="check-in"' not in html
    assert check_ins(db) == []


# --- walk-ins ----------------------------------------------------------------


def test_walk_in_is_booked_checked_in_and_pays_credits(door, client, login, db):
    cs, _member, _booking = door.booked()
    walker = door.member(credits=2, name="Walk Inez")
    login(door.trainer_of(cs))

    response = walk_in(client, cs, walker.email, follow_redirects=True)

    assert flashes(response) == ["Walk Inez is booked and checked in."]
    booking = db.session.scalar(
        select(Booking).where(Booking.session_id == cs.id, Booking.member_id == walker.id)
    )
    assert booking.status is BookingStatus.CONFIRMED
    [check_in] = check_ins(db, booking.id)
    assert check_in.method is CheckInMethod.WALK_IN
    assert ledger.balance(walker.id, NOW) == 1 * CC
    assert row_status(response, booking) == "present"


def test_walk_in_to_a_full_class_is_refused_and_writes_nothing(door, client, login, db):
    cs, _member, _booking = door.booked(capacity=1)
    walker = door.member(credits=2)
    bookings_before = db.session.scalar(select(func.count()).select_from(Booking))
    login(door.factories.admin())

    response = post_form(
        client,
        f"/admin/sessions/{cs.id}/walk-in",
        {"member": walker.email},
        token_from=staff_path(cs),
    )

    assert field_error(response, "member") == "This class is full."
    assert f'href="/admin/sessions/{cs.id}/edit" data-testid="raise-capacity"' in page_text(
        response
    )
    assert db.session.scalar(select(func.count()).select_from(Booking)) == bookings_before
    assert len(check_ins(db)) == 0
    assert ledger.balance(walker.id, NOW) == 2 * CC


def test_walk_in_of_someone_already_booked_is_a_field_error(door, client, login, db):
    cs, member, _booking = door.booked()
    login(door.trainer_of(cs))

    response = walk_in(client, cs, member.email)

    assert field_error(response, "member") == f"{member.name} already has a spot in this class."
    assert check_ins(db) == []


def test_walk_in_without_credits_is_a_field_error(door, client, login, db):
    cs, _member, _booking = door.booked()
    broke = door.member()
    login(door.trainer_of(cs))

    response = walk_in(client, cs, broke.email)

    assert "credit" in field_error(response, "member")
    assert check_ins(db) == []


def test_walk_in_of_an_unknown_member_is_a_field_error(door, client, login):
    cs, _member, _booking = door.booked()
    login(door.trainer_of(cs))

    response = walk_in(client, cs, "nobody@example.com")

    assert response.status_code == 200
    assert field_error(response, "member") == "No active member has that name, email or number."


def test_walk_in_with_nothing_typed_asks_for_the_member(door, client, login):
    cs, _member, _booking = door.booked()
    login(door.trainer_of(cs))

    response = walk_in(client, cs, "  ")

    assert field_error(response, "member") == "Enter the member's email or name."


def test_another_trainer_cannot_add_a_walk_in(door, client, login, db):
    cs, _member, _booking = door.booked()
    walker = door.member(credits=2)
    login(another_trainer(door))

    assert walk_in(client, cs, walker.email).status_code == 404
    assert check_ins(db) == []


# --- after the class ---------------------------------------------------------


def test_after_the_class_an_absent_member_is_missed_then_a_no_show(door, client, login, clock):
    cs, _member, booking = door.booked()
    login(door.trainer_of(cs))
    clock(cs.ends_at + timedelta(minutes=1))

    missed = client.get(trainer_path(cs))
    assert row_status(missed, booking) == "missed"
    assert 'data-action="check-in"' in page_text(missed)  # a forgotten tick can still be fixed
    assert count(missed, "no-show") == 1

    assert services.mark_no_shows() == 1
    marked = client.get(trainer_path(cs))
    assert row_status(marked, booking) == "no_show"
    assert 'data-action="check-in"' not in page_text(marked)
    assert "Add walk-in" not in page_text(marked)


# --- query count -------------------------------------------------------------


def _fill(door, cs, people: int) -> None:
    admin = door.schedule.admin()
    for number in range(people):
        booking = book_now(cs.id, door.member(credits=1), actor=admin)
        if number % 2:
            services.check_in(booking.id, actor=admin)


def _statements(client, path: str) -> int:
    _db.session.expunge_all()  # a real request starts with nothing loaded
    with counting_statements(_db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_list_runs_the_same_statements_for_3_and_30_bookings(door, client, login):
    few_people = door.booked(capacity=40, starts_in=timedelta(minutes=20))[0]
    many_people = door.booked(capacity=40, starts_in=timedelta(minutes=20))[0]
    _fill(door, few_people, 2)
    _fill(door, many_people, 29)
    login(door.factories.admin())

    few = _statements(client, staff_path(few_people))
    many = _statements(client, staff_path(many_people))

    assert few == many


# --- links to the list -------------------------------------------------------


def test_trainer_home_links_each_class_to_its_attendance_list(door, client, login):
    cs, _member, _booking = door.booked()
    login(door.trainer_of(cs))

    text = page_text(client.get("/trainer/"))

    assert f'href="{trainer_path(cs)}"' in text


def test_session_page_and_roster_link_to_the_staff_list(door, client, login):
    cs, _member, _booking = door.booked()
    login(door.factories.front_desk())

    for page in (f"/admin/sessions/{cs.id}", f"/admin/sessions/{cs.id}/roster"):
        assert f'href="{staff_path(cs)}"' in page_text(client.get(page)), page
