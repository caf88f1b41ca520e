"""The job that marks, after each class, the bookings nobody came for."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.attendance import services, tokens
from app.attendance.queries import Attendance, member_summary, session_attendance
from app.booking.models import BookingStatus, Strike, StrikeKind
from app.booking.rules import BookingError
from app.booking.services import bookings as booking_services
from app.booking.services.bookings import mark_no_show
from app.memberships import ledger
from app.memberships.models import EntryKind, LedgerEntry
from app.scheduling.models import SessionStatus
from app.scheduling.services.sessions import cancel_session
from tests.attendance.conftest import NOW
from tests.attendance.support import booking_status, count, entries, strikes, written


@pytest.fixture
def desk(door):
    return door.factories.front_desk()


def test_after_the_class_a_booking_without_check_in_is_a_no_show(door, clock, db):
    cs, member, booking = door.booked()
    assert ledger.balance(member.id) == 100  # 2 bought, 1 spent
    clock(cs.ends_at)
    assert services.mark_no_shows() == 1
    assert booking_status(booking.id) is BookingStatus.NO_SHOW
    assert entries(member.id) == [
        (EntryKind.PURCHASE, 200),
        (EntryKind.SPEND, -100),
        (EntryKind.FORFEIT, 0),
    ]
    spend, forfeit = db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.booking_id == booking.id).order_by(LedgerEntry.id)
    ).all()
    assert forfeit.settles_entry_id == spend.id and forfeit.actor_id is None
    assert ledger.balance(member.id) == 100
    assert ledger.check_ledger() == []
    (strike,) = db.session.scalars(select(Strike).where(Strike.member_id == member.id))
    assert (strike.booking_id, strike.kind) == (booking.id, StrikeKind.NO_SHOW)


def test_a_checked_in_booking_stays_confirmed(door, desk, clock):
    cs, member, booking = door.booked()
    services.scan(tokens.qr_token(booking.id), actor=desk, device="d")
    clock(cs.ends_at + timedelta(hours=1))
    assert services.mark_no_shows() == 0
    assert booking_status(booking.id) is BookingStatus.CONFIRMED
    assert strikes(member.id) == 0
    assert [kind for kind, _ in entries(member.id)] == [EntryKind.PURCHASE, EntryKind.SPEND]


def test_a_late_check_in_is_not_a_no_show(door, desk, clock):
    cs, member, booking = door.booked()
    clock(cs.starts_at + timedelta(minutes=40))
    assert services.scan(tokens.short_code(booking.id), actor=desk, device="d").result.ok
    clock(cs.ends_at)
    assert services.mark_no_shows() == 0
    assert booking_status(booking.id) is BookingStatus.CONFIRMED
    assert strikes(member.id) == 0


def test_a_walk_in_is_not_a_no_show(door, desk, clock):
    cs = door.session(starts_in=timedelta(minutes=30))
    check_in = services.add_walk_in(cs.id, door.member(credits=1), actor=desk)
    clock(cs.ends_at)
    assert services.mark_no_shows() == 0
    assert booking_status(check_in.booking_id) is BookingStatus.CONFIRMED


def test_a_class_not_yet_ended_is_untouched(door, clock):
    cs, member, booking = door.booked()
    clock(cs.ends_at - timedelta(seconds=1))
    before = written()
    assert services.mark_no_shows() == 0
    assert written() == before
    assert booking_status(booking.id) is BookingStatus.CONFIRMED


def test_a_cancelled_class_is_untouched(door, clock):
    cs, member, booking = door.booked()
    cancel_session(cs.id, "No heating.", actor=door.schedule.admin())
    clock(cs.ends_at + timedelta(minutes=1))
    before = written()
    assert services.mark_no_shows() == 0
    assert written() == before
    assert strikes(member.id) == 0


def test_a_cancelled_class_whose_booking_still_stands_is_untouched(door, clock, db):
    cs, member, booking = door.booked()
    cs.status, cs.cancelled_at = SessionStatus.CANCELLED, NOW
    db.session.commit()
    clock(cs.ends_at + timedelta(minutes=1))
    assert services.mark_no_shows() == 0
    assert booking_status(booking.id) is BookingStatus.CONFIRMED
    assert strikes(member.id) == 0


def test_a_cancelled_booking_is_untouched(door, clock):
    cs, member, booking = door.booked()
    booking_services.cancel_booking(booking.id, member, actor=member)
    clock(cs.ends_at + timedelta(minutes=1))
    before = written()
    assert services.mark_no_shows() == 0
    assert written() == before
    assert booking_status(booking.id) is BookingStatus.CANCELLED


def test_running_the_job_twice_changes_nothing_the_second_time(door, clock):
    cs, member, booking = door.booked()
    clock(cs.ends_at + timedelta(minutes=5))
    assert services.mark_no_shows() == 1
    after_first = written()
    assert services.mark_no_shows() == 0
    assert written() == after_first
    assert strikes(member.id) == 1
    assert count(LedgerEntry, LedgerEntry.kind == EntryKind.FORFEIT) == 1


def test_the_job_marks_only_the_absent_among_several_classes(door, desk, clock):
    ended, absent, _ = door.booked()
    present = door.member(credits=1)
    came = booking_services.book_now(ended.id, present, actor=door.schedule.admin())
    unlimited = door.unlimited()
    free = booking_services.book_now(ended.id, unlimited, actor=door.schedule.admin())
    running, *_ = door.booked(starts_in=timedelta(hours=1))
    services.check_in(came.id, actor=desk)
    clock(ended.ends_at + timedelta(minutes=1))  # the second class is still on
    assert services.mark_no_shows() == 2
    assert {row.member.id: row.status for row in session_attendance(ended, ended.ends_at)} == {
        absent.id: Attendance.NO_SHOW,
        present.id: Attendance.PRESENT,
        unlimited.id: Attendance.NO_SHOW,
    }
    assert booking_status(free.id) is BookingStatus.NO_SHOW
    assert entries(unlimited.id) == []  # nothing spent, nothing forfeited
    assert strikes(unlimited.id) == 1
    assert [row.status for row in session_attendance(running, ended.ends_at)] == [
        Attendance.EXPECTED
    ]
    assert member_summary(absent.id, ended.ends_at).no_show == 1
    assert member_summary(present.id, ended.ends_at).present == 1


def test_the_list_shows_missed_until_the_job_has_run(door, clock):
    cs, member, booking = door.booked()
    clock(cs.ends_at)
    assert [row.status for row in session_attendance(cs, cs.ends_at)] == [Attendance.MISSED]
    services.mark_no_shows()
    assert [row.status for row in session_attendance(cs, cs.ends_at)] == [Attendance.NO_SHOW]


def test_staff_may_not_mark_a_checked_in_booking_as_a_no_show(door, desk, clock):
    cs, member, booking = door.booked()
    services.check_in(booking.id, actor=door.trainer_of(cs))
    clock(cs.starts_at + timedelta(minutes=20))
    before = written()
    with pytest.raises(BookingError, match=f"{member.name} has checked in."):
        mark_no_show(booking.id, actor=desk)
    assert written() == before
    assert booking_status(booking.id) is BookingStatus.CONFIRMED


def test_a_check_in_landing_between_the_jobs_read_and_its_mark_wins(door, desk, clock, monkeypatch):
    """The job reads the pending bookings, then marks them one by one; a trainer
    ticks one in between: it is skipped, not counted, and not a no-show."""
    cs, member, booking = door.booked()
    other_cs, other_member, other = door.booked()
    clock(cs.ends_at + timedelta(minutes=1))
    real = booking_services.mark_no_show

    def tick_first(booking_id, *, actor):
        if booking_id == booking.id:
            services.check_in(booking.id, actor=desk)
        return real(booking_id, actor=actor)

    monkeypatch.setattr(booking_services, "mark_no_show", tick_first)
    assert services.mark_no_shows() == 1
    assert booking_status(booking.id) is BookingStatus.CONFIRMED
    assert booking_status(other.id) is BookingStatus.NO_SHOW
    assert strikes(member.id) == 0 and strikes(other_member.id) == 1
