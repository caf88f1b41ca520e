"""The member's check-in pass, home card and class history; the desk's view
of a member's attendance."""

from datetime import timedelta

import pytest

from app.attendance.services import check_in, mark_no_shows
from app.attendance.tokens import short_code
from app.booking.services.bookings import book_now, cancel_booking
from tests.accounts.support import page_text
from tests.queries import counting_statements

NARROW_NBSP = "\u202f"


def _at(hour_minute: str) -> str:
    """A short English time as Babel writes it: "9:30 AM" with a narrow space."""
    return hour_minute.replace(" ", NARROW_NBSP)


@pytest.fixture
def desk(door):
    return door.factories.front_desk()


def _past_classes(door):
    """One member's three classes, to be attended on time, late, and not at all."""
    member = door.member(credits=5)
    sessions = [door.session(starts_in=timedelta(hours=h)) for h in (1, 3, 5)]
    return member, sessions, [book_now(cs.id, member, actor=member) for cs in sessions]


def _attend(clock, desk, sessions, bookings):
    on_time, late, _absent = bookings
    clock(sessions[0].starts_at - timedelta(minutes=5))
    check_in(on_time.id, actor=desk)
    clock(sessions[1].starts_at + timedelta(minutes=15))
    check_in(late.id, actor=desk)
    clock(sessions[2].ends_at + timedelta(minutes=1))
    assert mark_no_shows() == 1


# ---- the pass --------------------------------------------------------------


def test_the_pass_shows_the_members_name_class_code_and_when_it_works(door, client, login):
    cs, member, booking = door.booked()
    login(member)

    text = page_text(client.get(f"/app/bookings/{booking.id}"))

    assert member.name in text
    assert cs.class_type.name in text
    assert f'<span class="font-monospace" data-short-code>{short_code(booking.id)}</span>' in text
    assert f'src="/app/bookings/{booking.id}/qr.png"' in text
    assert f'alt="QR code to check in to {cs.class_type.name}"' in text
    assert f"Works from {_at('8:30 AM')} until the class ends." in text  # opens 60 min before
    assert f'href="/app/bookings/{booking.id}/cancel?next=/app/bookings/{booking.id}"' in text


def test_the_qr_image_is_a_png_only_the_members_phone_keeps(door, client, login):
    cs, member, booking = door.booked()
    login(member)

    response = client.get(f"/app/bookings/{booking.id}/qr.png")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    # the member app keeps it for the door; no shared cache may (private)
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.data.startswith(b"\x89PNG")


def test_another_members_pass_and_qr_are_404(door, client, login):
    cs, member, booking = door.booked()
    login(door.member())

    assert client.get(f"/app/bookings/{booking.id}").status_code == 404
    assert client.get(f"/app/bookings/{booking.id}/qr.png").status_code == 404


def test_a_cancelled_booking_has_no_qr_and_says_cancelled(door, client, login):
    cs, member, booking = door.booked()
    cancel_booking(booking.id, member, actor=member)
    login(member)

    text = page_text(client.get(f"/app/bookings/{booking.id}"))

    assert client.get(f"/app/bookings/{booking.id}/qr.png").status_code == 404
    assert "This booking is cancelled." in text
    assert "qr.png" not in text and short_code(booking.id) not in text
    assert 'data-action="cancel"' not in text


def test_the_pass_says_when_the_member_was_checked_in(door, client, login, clock, desk):
    cs, member, booking = door.booked()
    clock(cs.starts_at - timedelta(minutes=3))
    check_in(booking.id, actor=desk)
    login(member)

    text = page_text(client.get(f"/app/bookings/{booking.id}"))

    assert f"Checked in at {_at('9:27 AM')}." in text
    assert 'data-action="cancel"' not in text


def test_after_the_class_the_pass_says_it_is_over_then_no_show(door, client, login, clock):
    cs, member, booking = door.booked()
    login(member)
    clock(cs.ends_at + timedelta(minutes=1))

    over = page_text(client.get(f"/app/bookings/{booking.id}"))
    mark_no_shows()
    marked = page_text(client.get(f"/app/bookings/{booking.id}"))

    assert "This class is over. You were not checked in." in over
    assert "No-show: you were not checked in to this class." in marked
    assert client.get(f"/app/bookings/{booking.id}/qr.png").status_code == 404


def test_my_bookings_links_each_upcoming_class_to_its_pass(door, client, login):
    cs, member, booking = door.booked()
    login(member)

    text = page_text(client.get("/app/bookings"))

    assert f'href="/app/bookings/{booking.id}" data-action="show-qr"' in text
    assert 'href="/app/history" id="history-link"' in text


# ---- the home screen -------------------------------------------------------


def test_home_shows_the_next_class_with_its_qr_and_code(door, client, login):
    later = door.session(starts_in=timedelta(days=1))
    cs, member, booking = door.booked()
    book_now(later.id, member, actor=member)
    login(member)

    text = page_text(client.get("/app/"))

    card = text.split('id="next-class"')[1].split("</section>")[0]
    assert f'data-booking-id="{booking.id}"' in card
    assert cs.class_type.name in card and cs.room.name in card and member.name in card
    assert f'src="/app/bookings/{booking.id}/qr.png"' in card
    assert short_code(booking.id) in card
    assert f'href="/app/bookings/{booking.id}"' in card
    assert "will appear here" not in text


def test_home_without_bookings_invites_to_book(door, client, login):
    login(door.member())

    text = page_text(client.get("/app/"))

    assert 'id="next-class"' not in text
    assert "No classes booked. Book one and its check-in QR code shows up here." in text
    assert 'href="/app/history"' in text


def test_home_runs_the_same_queries_with_or_without_a_next_class(door, client, login, db):
    member = door.member(credits=2)
    login(member)
    client.get("/app/")  # warm the per-process caches
    with counting_statements(db.engine) as without:
        client.get("/app/")
    cs = door.session(starts_in=timedelta(hours=1))
    book_now(cs.id, member, actor=member)
    with counting_statements(db.engine) as with_card:
        client.get("/app/")

    assert len(with_card) <= len(without) + 1, (without, with_card)


# ---- the member's history --------------------------------------------------


def test_history_lists_attended_late_and_no_show_newest_first(door, client, login, clock, desk):
    member, sessions, bookings = _past_classes(door)
    _attend(clock, desk, sessions, bookings)
    login(member)

    text = page_text(client.get("/app/history"))

    rows = text.split('id="attendance-history"')[1].split("</ul>")[0]
    on_time, late, absent = bookings
    newest_first = [(absent, "no_show"), (late, "late"), (on_time, "present")]
    positions = [rows.index(f'data-booking-id="{b.id}" data-status="{s}"') for b, s in newest_first]
    assert positions == sorted(positions)
    for label in ("Attended", "Late", "No-show"):
        assert label in rows
    assert sessions[0].trainer.name in rows
    assert '<dd class="h2 mb-0" data-figure="attended">2</dd>' in text
    assert '<dd class="h2 mb-0" data-figure="late">1</dd>' in text
    assert '<dd class="h2 mb-0" data-figure="no-show">1</dd>' in text
    assert '<dd class="h2 mb-0" data-figure="rate">67%</dd>' in text


def test_history_before_any_finished_class_has_no_rate(door, client, login):
    cs, member, booking = door.booked()
    login(member)

    text = page_text(client.get("/app/history"))

    assert '<dd class="h2 mb-0" data-figure="rate">—</dd>' in text
    assert "No finished classes yet." in text
    assert f'data-booking-id="{booking.id}"' not in text


def _many_past(door, count: int):
    """`count` classes booked by one member, each with its own type, trainer and room."""
    member = door.member(credits=count)
    sessions = [door.session(starts_in=timedelta(hours=1 + 2 * i)) for i in range(count)]
    for cs in sessions:
        book_now(cs.id, member, actor=member)
    return member, sessions


def test_history_pages_twenty_classes_at_a_time(door, client, login, clock, db):
    member, sessions = _many_past(door, 21)
    clock(sessions[-1].ends_at + timedelta(minutes=1))
    login(member)

    first = page_text(client.get("/app/history"))
    second = page_text(client.get("/app/history?page=2"))

    assert first.count("data-status=") == 20 and second.count("data-status=") == 1
    assert 'href="/app/history?page=2" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="/app/history?page=1" rel="prev"' in second and 'rel="next"' not in second
    assert '<dd class="h2 mb-0" data-figure="no-show">21</dd>' in first
    assert '<dd class="h2 mb-0" data-figure="rate">0%</dd>' in first


def test_history_runs_the_same_queries_for_one_class_or_twenty(door, client, login, clock, db):
    member, sessions = _many_past(door, 20)
    clock(sessions[0].ends_at + timedelta(minutes=1))
    login(member)
    client.get("/app/history")
    with counting_statements(db.engine) as few:
        one = page_text(client.get("/app/history"))
    clock(sessions[-1].ends_at + timedelta(minutes=1))
    with counting_statements(db.engine) as many:
        twenty = page_text(client.get("/app/history"))

    assert (one.count("data-status="), twenty.count("data-status=")) == (1, 20)
    assert len(few) == len(many), (few, many)


# ---- the desk's view -------------------------------------------------------


def test_staff_see_a_members_rate_and_counts(door, client, login, clock, desk):
    member, sessions, bookings = _past_classes(door)
    _attend(clock, desk, sessions, bookings)
    login(desk)

    text = page_text(client.get(f"/admin/members/{member.id}/attendance"))

    assert f"Attendance of {member.name}" in text
    assert '<dd class="h2 mb-0" data-figure="rate">67%</dd>' in text
    assert '<dd class="h2 mb-0" data-figure="no-show">1</dd>' in text
    assert '<dd class="h2 mb-0" data-figure="late">1</dd>' in text
    assert text.count("data-status=") == 3
    assert f'href="/admin/members/{member.id}"' in text  # the member page, the hub


def test_the_membership_page_links_to_the_members_attendance(door, client, login, desk):
    member = door.member()
    login(desk)

    text = page_text(client.get(f"/admin/members/{member.id}/membership"))

    assert f'href="/admin/members/{member.id}/attendance"' in text


@pytest.mark.parametrize("role", ["trainer", "member"])
def test_trainers_and_members_are_refused_the_staff_page(door, client, login, role):
    member = door.member()
    login(getattr(door.factories, role)())

    assert client.get(f"/admin/members/{member.id}/attendance").status_code == 403


def test_a_staff_account_has_no_attendance_page(door, client, login, desk):
    login(door.factories.admin())

    assert client.get(f"/admin/members/{desk.id}/attendance").status_code == 404
    assert client.get("/admin/members/999999/attendance").status_code == 404
