"""The scan log is kept 90 days; check-ins stay."""

from datetime import timedelta

from sqlalchemy import func, select

from app.attendance import services, tokens
from app.attendance.models import CheckIn, ScanAttempt
from tests.attendance.conftest import NOW


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_purge_forgets_old_scans_and_keeps_check_ins(door, db):
    cs, member, booking = door.booked()
    desk = door.factories.front_desk()
    services.scan(tokens.qr_token(booking.id), actor=desk, device="door")
    services.scan("nonsense", actor=desk, device="door")
    assert _count(db, ScanAttempt) == 2

    day_before = NOW + timedelta(days=services.SCAN_LOG_DAYS) - timedelta(seconds=1)
    assert services.purge_scan_log(day_before) == 0
    assert services.purge_scan_log(NOW + timedelta(days=services.SCAN_LOG_DAYS, seconds=1)) == 2
    assert (_count(db, ScanAttempt), _count(db, CheckIn)) == (0, 1)


def test_control_characters_are_left_out_of_the_log(door, db):
    desk = door.factories.front_desk()
    outcome = services.scan("\x00AB\x07CD\u2028", actor=desk, device="door")
    assert outcome.result.value == "unknown"
    (attempt,) = db.session.scalars(select(ScanAttempt)).all()
    assert attempt.text == "ABCD"
