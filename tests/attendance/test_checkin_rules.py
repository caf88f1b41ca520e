"""Scanning at the door and ticking the list: when, who, and what is written.

NOW is Tuesday 1 December 2026, 9:00 in Mexico City (15:00 UTC); classes last
an hour; check-in opens 60 minutes before the start and a check-in more than
10 minutes after the start is late.
"""

from datetime import timedelta

import pytest

from app.attendance import services, tokens
from app.attendance.models import CheckIn, CheckInMethod, ScanAttempt, ScanResult
from app.attendance.queries import Attendance, session_attendance
from app.attendance.services import CheckInError
from app.booking.models import BookingStatus
from app.booking.services.bookings import cancel_booking, mark_no_show
from app.core.errors import AccessDenied
from app.scheduling.models import SessionStatus
from app.scheduling.services.sessions import cancel_session
from tests.attendance.conftest import NOW
from tests.attendance.support import attempts, check_in_of, count, written

SECOND = timedelta(seconds=1)


@pytest.fixture
def desk(door):
    return door.factories.front_desk()


def _scan(text, actor, **kw):
    kw.setdefault("device", "door-1")
    return services.scan(text, actor=actor, **kw)


# --- the window, at its edges ------------------------------------------------------


@pytest.fixture
def later(door):
    """A class at 11:00 local (ends 12:00): check-in opens at 10:00 AM."""
    return door.booked(starts_in=timedelta(hours=2))


def test_scan_works_the_moment_check_in_opens(later, desk, clock):
    cs, member, booking = later
    clock(cs.starts_at - timedelta(minutes=60))
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.CHECKED_IN, outcome.message
    assert outcome.message == f"Welcome, {member.name}!"
    assert outcome.check_in.checked_in_at == cs.starts_at - timedelta(minutes=60)
    assert outcome.check_in.is_late is False


def test_scan_a_second_before_check_in_opens_is_too_early(later, desk, clock):
    cs, member, booking = later
    clock(cs.starts_at - timedelta(minutes=60) - SECOND)
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.TOO_EARLY
    assert outcome.message == "Too early: check-in opens at 10:00 AM."
    assert count(CheckIn) == 0


def test_scan_a_second_before_the_end_works(later, desk, clock):
    cs, member, booking = later
    clock(cs.ends_at - SECOND)
    outcome = _scan(tokens.short_code(booking.id), desk)
    assert outcome.ok and outcome.result is ScanResult.LATE  # long after the grace
    assert check_in_of(booking.id) is not None


def test_scan_at_the_end_has_expired(later, desk, clock):
    cs, member, booking = later
    clock(cs.ends_at)
    outcome = _scan(tokens.short_code(booking.id), desk)
    assert outcome.result is ScanResult.EXPIRED
    assert outcome.message == "Expired: this class ended at 12:00 PM."
    assert count(CheckIn) == 0


def test_scan_of_tomorrows_class_is_not_today(door, desk):
    cs, member, booking = door.booked(starts_in=timedelta(days=1))
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.NOT_TODAY
    assert outcome.message == "Not today: this booking is for Wed 2 Dec."
    assert count(CheckIn) == 0


def test_scan_of_yesterdays_class_is_not_today(door, desk, clock):
    cs, member, booking = door.booked(starts_in=timedelta(minutes=30))
    clock(NOW + timedelta(days=1))
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.NOT_TODAY
    assert outcome.message == "Not today: this booking is for Tue 1 Dec."


def test_the_day_is_the_gyms_local_day_not_utcs(door, desk, clock):
    """19:30 local on Tuesday is already Wednesday in UTC; the class is Tuesday's."""
    cs, member, booking = door.booked(starts_in=timedelta(hours=10, minutes=30))
    assert cs.starts_at.date() != NOW.date()  # 01:30 UTC on Wednesday
    clock(cs.starts_at - timedelta(minutes=30))
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.CHECKED_IN, outcome.message


def test_a_class_just_after_midnight_can_be_scanned_before_midnight(door, desk, clock):
    """00:30 Wednesday local: check-in opens at 23:30 Tuesday, so 23:45 works."""
    cs, member, booking = door.booked(starts_in=timedelta(hours=15, minutes=30))
    clock(cs.starts_at - timedelta(minutes=45))
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.CHECKED_IN, outcome.message


def test_a_class_running_past_midnight_can_be_scanned_after_midnight(door, desk, clock):
    """23:30 Tuesday to 00:30 Wednesday local, scanned at 00:05 (late, but in time)."""
    cs, member, booking = door.booked(starts_in=timedelta(hours=14, minutes=30))
    clock(cs.starts_at + timedelta(minutes=35))
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.LATE, outcome.message


# --- late -------------------------------------------------------------------------


def test_at_the_end_of_the_grace_period_is_on_time(door, desk, clock):
    cs, member, booking = door.booked()
    clock(cs.starts_at + timedelta(minutes=10))
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.CHECKED_IN
    assert check_in_of(booking.id).is_late is False


def test_a_second_after_the_grace_period_is_late(door, desk, clock):
    cs, member, booking = door.booked()
    clock(cs.starts_at + timedelta(minutes=10) + SECOND)
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.LATE and outcome.ok
    assert outcome.message == f"{member.name} is checked in, late."
    assert check_in_of(booking.id).is_late is True
    assert attempts()[-1].result is ScanResult.LATE
    assert [row.status for row in session_attendance(cs, NOW)] == [Attendance.LATE]


def test_list_check_in_after_the_grace_period_is_late_too(door, desk, clock):
    cs, member, booking = door.booked()
    clock(cs.starts_at + timedelta(minutes=11))
    assert services.check_in(booking.id, actor=desk).is_late is True


# --- once only ----------------------------------------------------------------------


def test_second_scan_is_already_with_the_time_of_the_first(door, desk, clock):
    cs, member, booking = door.booked()
    clock(NOW + timedelta(minutes=2))
    first = _scan(tokens.qr_token(booking.id), desk)
    assert first.result is ScanResult.CHECKED_IN
    clock(NOW + timedelta(minutes=7))
    again = _scan(tokens.qr_token(booking.id), desk)
    assert again.result is ScanResult.ALREADY and not again.ok
    assert again.message == "Already checked in at 9:02 AM."
    assert again.booking.id == booking.id
    assert count(CheckIn) == 1
    assert check_in_of(booking.id).checked_in_at == NOW + timedelta(minutes=2)


def test_qr_then_short_code_of_the_same_booking_is_already(door, desk):
    cs, member, booking = door.booked()
    assert _scan(tokens.qr_token(booking.id), desk).result is ScanResult.CHECKED_IN
    again = _scan(tokens.short_code(booking.id), desk)
    assert again.result is ScanResult.ALREADY
    assert [(a.method, a.result) for a in attempts()] == [
        (CheckInMethod.QR, ScanResult.CHECKED_IN),
        (CheckInMethod.CODE, ScanResult.ALREADY),
    ]
    assert count(CheckIn) == 1
    assert [row.status for row in session_attendance(cs, NOW)] == [Attendance.PRESENT]


def test_list_check_in_after_a_scan_is_refused_as_already(door, desk):
    cs, member, booking = door.booked()
    _scan(tokens.short_code(booking.id), desk)
    with pytest.raises(CheckInError, match="Already checked in at 9:00 AM.") as refused:
        services.check_in(booking.id, actor=desk)
    assert refused.value.result is ScanResult.ALREADY
    assert count(CheckIn) == 1


def test_a_typed_code_with_typos_checks_in_by_code(door, desk):
    cs, member, booking = door.booked()
    typed = " " + tokens.short_code(booking.id).replace("0", "o").replace("-", " ").lower()
    outcome = _scan(typed, desk)
    assert outcome.result is ScanResult.CHECKED_IN, outcome.message
    assert outcome.check_in.method is CheckInMethod.CODE


# --- refusals -----------------------------------------------------------------------


def test_scan_for_another_class_is_wrong_session_and_writes_only_the_attempt(door, desk):
    cs, member, booking = door.booked()
    other = door.session(starts_in=timedelta(minutes=30))
    before = written()
    outcome = _scan(tokens.qr_token(booking.id), desk, session_id=other.id)
    assert outcome.result is ScanResult.WRONG_SESSION
    assert outcome.message == f"Wrong class: this booking is for {cs.class_type.name} at 9:30 AM."
    assert written() == dict(before, scan_attempts=before["scan_attempts"] + 1)
    (attempt,) = attempts()
    assert (attempt.session_id, attempt.booking_id) == (other.id, booking.id)
    assert booking.status is BookingStatus.CONFIRMED


def test_scan_opened_for_the_right_class_checks_in(door, desk):
    cs, member, booking = door.booked()
    outcome = _scan(tokens.qr_token(booking.id), desk, session_id=cs.id)
    assert outcome.result is ScanResult.CHECKED_IN
    assert attempts()[0].session_id == cs.id


def test_scan_of_a_cancelled_booking_is_cancelled(door, desk):
    cs, member, booking = door.booked()
    cancel_booking(booking.id, member, actor=member)
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.CANCELLED
    assert outcome.message == "Cancelled: this booking no longer stands."
    assert count(CheckIn) == 0


def test_scan_for_a_cancelled_class_is_cancelled(door, desk):
    cs, member, booking = door.booked()
    cancel_session(cs.id, "The trainer is ill.", actor=door.schedule.admin())
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.CANCELLED
    assert count(CheckIn) == 0


def test_scan_for_a_cancelled_class_whose_booking_still_stands_is_cancelled(door, desk, db):
    cs, member, booking = door.booked()
    cs.status, cs.cancelled_at = SessionStatus.CANCELLED, NOW
    db.session.commit()
    assert booking.status is BookingStatus.CONFIRMED
    assert _scan(tokens.qr_token(booking.id), desk).result is ScanResult.CANCELLED
    with pytest.raises(CheckInError, match="Cancelled"):
        services.check_in(booking.id, actor=desk)
    assert count(CheckIn) == 0


def test_scan_of_a_no_show_is_no_show(door, desk, clock):
    cs, member, booking = door.booked()
    clock(cs.starts_at + timedelta(minutes=20))
    mark_no_show(booking.id, actor=desk)
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.NO_SHOW
    assert outcome.message == "This booking was marked as a no-show."
    with pytest.raises(CheckInError) as refused:
        services.check_in(booking.id, actor=desk)
    assert refused.value.result is ScanResult.NO_SHOW
    assert count(CheckIn) == 0


def test_a_genuine_code_for_a_booking_that_does_not_exist_is_unknown(door, desk):
    door.booked()
    outcome = _scan(tokens.qr_token(999999), desk)
    assert outcome.result is ScanResult.UNKNOWN
    assert outcome.message == "Unknown code: this is not one of our bookings."
    (attempt,) = attempts()
    assert (attempt.method, attempt.booking_id) == (CheckInMethod.QR, None)


@pytest.mark.parametrize("text", ["", "hello", "CUPO-1-AAAAAAAAAAAAAAAA", "X" * 1000, "日本"])
def test_garbage_is_unknown_and_logged(door, desk, text):
    door.booked()
    outcome = _scan(text, desk)
    assert outcome.result is ScanResult.UNKNOWN
    (attempt,) = attempts()
    assert attempt.result is ScanResult.UNKNOWN
    assert attempt.method is CheckInMethod.CODE
    assert attempt.booking_id is None
    assert attempt.text == text.strip()[:40]


def test_a_code_with_a_non_ascii_character_is_unknown_and_logged(door, desk):
    cs, member, booking = door.booked()
    outcome = _scan(tokens.short_code(booking.id)[:-1] + "Ñ", desk)
    assert outcome.result is ScanResult.UNKNOWN
    assert [a.result for a in attempts()] == [ScanResult.UNKNOWN]


# --- who may check in whom -----------------------------------------------------------


def test_the_classs_trainer_checks_in_by_scan(door):
    cs, member, booking = door.booked()
    trainer = door.trainer_of(cs)
    outcome = _scan(tokens.qr_token(booking.id), trainer)
    assert outcome.result is ScanResult.CHECKED_IN
    assert outcome.check_in.by_id == trainer.id


def test_another_trainer_scanning_is_not_yours_and_checks_nobody_in(door):
    cs, member, booking = door.booked()
    other = door.trainer_of(door.session(starts_in=timedelta(minutes=30)))
    outcome = _scan(tokens.qr_token(booking.id), other, device="phone-7")
    assert outcome.result is ScanResult.NOT_YOURS and not outcome.ok
    assert outcome.message == f"This is {cs.trainer.name}'s class, not yours."
    assert outcome.booking is None  # the member is not shown to a stranger
    assert count(CheckIn) == 0
    (attempt,) = attempts()
    assert (attempt.scanner_id, attempt.device, attempt.result) == (
        other.id,
        "phone-7",
        ScanResult.NOT_YOURS,
    )
    assert attempt.booking_id == booking.id  # the log keeps what was tried


@pytest.mark.parametrize("role", ["front_desk", "admin"])
def test_desk_and_admins_check_in_any_class(door, role):
    staff = getattr(door.factories, role)()
    for _ in range(2):
        cs, member, booking = door.booked()
        assert _scan(tokens.qr_token(booking.id), staff).result is ScanResult.CHECKED_IN
        undone = services.undo_check_in(booking.id, actor=staff)
        assert undone.id == booking.id
        assert services.check_in(booking.id, actor=staff).method is CheckInMethod.LIST


def test_a_member_may_not_scan_check_in_or_undo(door, desk):
    cs, member, booking = door.booked()
    for call in (
        lambda: services.scan(tokens.qr_token(booking.id), actor=member, device="d"),
        lambda: services.check_in(booking.id, actor=member),
        lambda: services.undo_check_in(booking.id, actor=member),
    ):
        with pytest.raises(AccessDenied):
            call()
    assert count(CheckIn) == 0 and count(ScanAttempt) == 0


@pytest.mark.parametrize("who", ["another trainer", "a member"])
def test_someone_not_staff_of_the_class_may_not_tick_or_undo(door, who):
    cs, member, booking = door.booked()
    if who == "another trainer":
        actor = door.trainer_of(door.session(starts_in=timedelta(minutes=30)))
    else:
        actor = door.member(credits=1)
    with pytest.raises(AccessDenied, match="You are not allowed to do this."):
        services.check_in(booking.id, actor=actor)
    assert count(CheckIn) == 0
    services.check_in(booking.id, actor=door.trainer_of(cs))
    before = written()
    with pytest.raises(AccessDenied):
        services.undo_check_in(booking.id, actor=actor)
    assert written() == before
    assert check_in_of(booking.id) is not None


def test_check_in_of_a_booking_that_does_not_exist_is_refused(door, desk):
    with pytest.raises(AccessDenied):
        services.check_in(999999, actor=desk)
    with pytest.raises(AccessDenied):
        services.undo_check_in(999999, actor=desk)


# --- the scan log ----------------------------------------------------------------------


def test_every_scan_good_or_bad_writes_one_attempt(door, desk, clock):
    cs, member, booking = door.booked()
    cancelled_cs, cancelled_member, cancelled = door.booked()
    cancel_booking(cancelled.id, cancelled_member, actor=cancelled_member)
    other = door.session(starts_in=timedelta(minutes=30))
    clock(NOW + timedelta(minutes=1))
    scans = [
        (tokens.short_code(booking.id), {"session_id": other.id}),
        ("nonsense", {}),
        (tokens.qr_token(cancelled.id), {}),
        (tokens.qr_token(booking.id), {}),
        (tokens.short_code(booking.id), {}),
    ]
    results = [_scan(text, desk, device="tablet-2", **kw).result for text, kw in scans]
    assert results == [
        ScanResult.WRONG_SESSION,
        ScanResult.UNKNOWN,
        ScanResult.CANCELLED,
        ScanResult.CHECKED_IN,
        ScanResult.ALREADY,
    ]
    logged = attempts()
    assert [(a.result, a.booking_id, a.method) for a in logged] == [
        (ScanResult.WRONG_SESSION, booking.id, CheckInMethod.CODE),
        (ScanResult.UNKNOWN, None, CheckInMethod.CODE),
        (ScanResult.CANCELLED, cancelled.id, CheckInMethod.QR),
        (ScanResult.CHECKED_IN, booking.id, CheckInMethod.QR),
        (ScanResult.ALREADY, booking.id, CheckInMethod.CODE),
    ]
    assert {(a.scanner_id, a.device) for a in logged} == {(desk.id, "tablet-2")}
    assert {a.scanned_at for a in logged} == {NOW + timedelta(minutes=1)}
    assert [a.session_id for a in logged] == [other.id, None, None, None, None]
    assert check_in_of(booking.id).method is CheckInMethod.QR


def test_a_long_device_name_is_cut_to_fit(door, desk):
    cs, member, booking = door.booked()
    _scan(tokens.qr_token(booking.id), desk, device="d" * 100)
    assert attempts()[0].device == "d" * 64


# --- the attendance list: tick, undo ------------------------------------------------------


def test_list_check_in_before_check_in_opens_is_refused(door, desk):
    cs, member, booking = door.booked(starts_in=timedelta(hours=2))
    with pytest.raises(CheckInError, match="Too early: check-in opens at 10:00 AM.") as refused:
        services.check_in(booking.id, actor=desk)
    assert refused.value.result is ScanResult.TOO_EARLY
    assert count(CheckIn) == 0


def test_list_check_in_works_after_the_class_until_the_no_show_job(door, desk, clock):
    cs, member, booking = door.booked()
    clock(cs.ends_at + timedelta(minutes=5))
    check_in = services.check_in(booking.id, actor=door.trainer_of(cs))
    assert check_in.method is CheckInMethod.LIST and check_in.is_late is True
    assert services.mark_no_shows() == 0


def test_undo_then_check_in_again(door, desk, clock):
    cs, member, booking = door.booked()
    trainer = door.trainer_of(cs)
    first = services.check_in(booking.id, actor=trainer)
    assert (first.method, first.by_id, first.is_late) == (CheckInMethod.LIST, trainer.id, False)
    services.undo_check_in(booking.id, actor=trainer)
    assert check_in_of(booking.id) is None
    clock(cs.starts_at + timedelta(minutes=15))
    outcome = _scan(tokens.qr_token(booking.id), desk)
    assert outcome.result is ScanResult.LATE
    assert check_in_of(booking.id).checked_in_at == cs.starts_at + timedelta(minutes=15)
    assert count(CheckIn) == 1


def test_undo_of_a_booking_not_checked_in_is_refused(door, desk):
    cs, member, booking = door.booked()
    with pytest.raises(CheckInError, match=f"{member.name} is not checked in."):
        services.undo_check_in(booking.id, actor=desk)


def test_attended_says_whether_the_booking_has_a_check_in(door, desk):
    cs, member, booking = door.booked()
    assert services.attended(booking.id) is False
    services.check_in(booking.id, actor=desk)
    assert services.attended(booking.id) is True
