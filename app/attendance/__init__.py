"""Attendance: check-in codes, scanners, attendance lists and no-shows."""


def init_app(app) -> None:
    """Its tables and job; a check-in rules out a no-show; the QR in confirmations."""
    from app.attendance import models  # noqa: F401  (its tables)
    from app.attendance.services import attended
    from app.attendance.tokens import checkin_extras
    from app.core import signals
    from app.core.jobs import register_job

    register_job(app, "attendance.mark_no_shows", "app.attendance.services:mark_no_shows")
    signals.booking_attended.connect(attended)
    signals.email_extras.connect(checkin_extras, sender="booking_confirmed")
