"""Holds, bookings and waitlists: who has a spot in a class."""


def init_app(app) -> None:
    """Its tables and job; the answers it gives scheduling and the ledger."""
    from app.booking import models  # noqa: F401  (its tables)
    from app.booking.queries import credits, occupancy
    from app.booking.services import waitlist
    from app.core import signals
    from app.core.jobs import register_job

    signals.spots_taken.connect(occupancy.taken_by_session)
    signals.people_on_session.connect(occupancy.people_on)
    signals.session_changed.connect(waitlist.on_session_change)
    signals.ledger_audited.connect(credits.spend_breaches)
    signals.bookings_described.connect(credits.classes_of)
    register_job(app, "booking.promote_waitlist", "app.booking.services.waitlist:promote_waitlist")
