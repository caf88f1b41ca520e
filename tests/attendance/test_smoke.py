from datetime import timedelta

from app.attendance import services, tokens
from app.attendance.models import ScanResult
from app.attendance.queries import Attendance, session_attendance
from tests.attendance.conftest import NOW


def test_scan_checks_in_then_refuses_the_second_scan(door, clock):
    cs, member, booking = door.booked()
    desk = door.factories.front_desk()
    first = services.scan(tokens.qr_token(booking.id), actor=desk, device="d1")
    assert first.result is ScanResult.CHECKED_IN, first.message
    again = services.scan(tokens.short_code(booking.id), actor=desk, device="d1")
    assert again.result is ScanResult.ALREADY
    rows = session_attendance(cs, NOW)
    assert [r.status for r in rows] == [Attendance.PRESENT]


def test_no_show_job_marks_once(door, clock):
    cs, member, booking = door.booked()
    clock(cs.ends_at + timedelta(minutes=1))
    assert services.mark_no_shows() == 1
    assert services.mark_no_shows() == 0
