"""`upcoming_bookings`: the one query behind the staff member page's upcoming
bookings and the passes the member app keeps for offline use."""

from datetime import timedelta

from app.booking.queries.member import upcoming_bookings
from app.booking.services.bookings import book_now, cancel_booking
from app.scheduling.models import SessionStatus
from app.scheduling.services.sessions import update_session
from tests.booking.conftest import NOW


def _book(booker, member, **session_fields):
    cs = booker.session(**session_fields)
    return book_now(cs.id, member, actor=booker.schedule.admin())


def _to_draft(booker, cs):
    values = {"starts_at": cs.starts_at, "capacity": cs.capacity, "status": SessionStatus.DRAFT}
    values |= {"trainer_id": cs.trainer_id, "room_id": cs.room_id}
    update_session(cs.id, values, actor=booker.schedule.admin())


def test_upcoming_bookings_are_confirmed_unended_and_soonest_first(booker, clock):
    member = booker.member(credits=5)
    later = _book(booker, member, starts_in=timedelta(days=3))
    running = _book(booker, member, starts_in=timedelta(minutes=10))
    cancelled = _book(booker, member, starts_in=timedelta(days=1))
    cancel_booking(cancelled.id, member, actor=member)
    _book(booker, booker.member(credits=1))  # someone else's
    now = clock(NOW + timedelta(minutes=20))

    assert upcoming_bookings(member.id, now) == [running, later]
    ended = running.session.ends_at
    assert upcoming_bookings(member.id, ended) == [later]


def test_upcoming_bookings_stop_at_days_and_at_limit(booker):
    member = booker.member(credits=5)
    soon = _book(booker, member, starts_in=timedelta(days=1))
    in_six_days = _book(booker, member, starts_in=timedelta(days=6))
    _book(booker, member, starts_in=timedelta(days=8))

    assert upcoming_bookings(member.id, NOW, days=7) == [soon, in_six_days]
    assert upcoming_bookings(member.id, NOW, limit=1) == [soon]


def test_a_class_put_back_to_draft_counts_only_with_drafts(booker):
    member = booker.member(credits=2)
    booking = _book(booker, member)
    _to_draft(booker, booking.session)

    assert upcoming_bookings(member.id, NOW) == []
    assert upcoming_bookings(member.id, NOW, drafts=True) == [booking]
