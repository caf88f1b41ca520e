"""Holds, bookings and waitlists: who has a spot in a class."""


def cancel_extras(template: str, *, context: dict) -> tuple[dict, list]:
    """At render time, in the member's language: what the cancellation cost,
    in the words of the cancel page (one rule, `CancelTerms.outcome`)."""
    from app.booking.policy import CancelTerms

    return {"outcome": CancelTerms.from_result(context.get("terms") or {}).outcome()}, []


def init_app(app) -> None:
    """Its tables and job; the answers it gives scheduling and the ledger; the
    calendar file and "Can't make it?" link of the emails about a booking."""
    from app.booking import calendar, models  # noqa: F401  (its tables)
    from app.booking.queries import credits, occupancy
    from app.booking.services import waitlist
    from app.core import signals
    from app.core.jobs import register_job

    signals.spots_taken.connect(occupancy.taken_by_session)
    signals.people_on_session.connect(occupancy.people_on)
    signals.places_on_session.connect(occupancy.places_on)
    for template in {*calendar.ICS_TEMPLATES, *calendar.LINK_TEMPLATES}:
        signals.email_extras.connect(calendar.email_extras, sender=template)
    signals.session_changed.connect(waitlist.on_session_change)
    signals.ledger_audited.connect(credits.spend_breaches)
    signals.bookings_described.connect(credits.classes_of)
    signals.email_extras.connect(cancel_extras, sender="booking_cancelled")
    register_job(app, "booking.promote_waitlist", "app.booking.services.waitlist:promote_waitlist")
