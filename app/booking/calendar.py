"""The calendar file (`.ics`) of a booking, and what booking adds to the
emails about it (`email_extras` receivers, run when the email is rendered).

One UID per booking (`booking-<id>@<host>`), so a calendar keeps one event
for it; SEQUENCE is the booking's `ics_sequence`, raised on every change to
its class and on its cancellation, carried in the notification's
parameters so each email's file says what that email says. A cancellation
(of the booking or of the class) is METHOD:CANCEL. The "Can't make it?"
link is signed here too, at render time, so no token waits in the database.
"""

from datetime import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from app.booking.links import cancel_url
from app.core.models import utc_now

#: templates whose file says the event is off
CANCEL_TEMPLATES = ("booking_cancelled", "session_cancelled")
#: templates that carry the booking's calendar file
ICS_TEMPLATES = (
    "booking_confirmed",
    "session_rescheduled",
    "session_changed",
    *CANCEL_TEMPLATES,
)
#: templates with the "Can't make it?" link (for a booked member)
LINK_TEMPLATES = ("reminder_24h", "reminder_1h", "session_rescheduled", "session_changed")


def booking_uid(booking_id: int) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "cupo.local"
    return f"booking-{booking_id}@{host}"


def booking_ics(context: dict, *, cancel: bool = False, sequence: int | None = None) -> bytes:
    """The calendar file of the booking `context` describes (the notice's
    parameters: booking_id, class_name, starts_at, ends_at, room, trainer,
    ics_sequence)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cupo//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", booking_uid(context["booking_id"]))
    event.add("sequence", context.get("ics_sequence", 0) if sequence is None else sequence)
    event.add("dtstamp", utc_now())
    starts = datetime.fromisoformat(context["starts_at"])
    event.add("dtstart", starts)
    if context.get("ends_at"):
        event.add("dtend", datetime.fromisoformat(context["ends_at"]))
    event.add("summary", context["class_name"])
    if context.get("room"):
        event.add("location", context["room"])
    if context.get("trainer"):
        event.add("description", context["trainer"])
    sender_name, sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"] or "")
    if sender:
        organizer = vCalAddress(f"mailto:{sender}")
        organizer.params["cn"] = vText(sender_name or sender)
        event["organizer"] = organizer
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def email_extras(template: str, *, context: dict) -> tuple[dict, list]:
    """The booking's `.ics` and its signed "Can't make it?" link, for the
    emails about one booking (an `email_extras` receiver). Writes nothing."""
    booking_id = context.get("booking_id")
    if booking_id is None:  # a hold or a waitlist place: no booking yet
        return {}, []
    more, files = {}, []
    if template in LINK_TEMPLATES:
        more["cancel_url"] = cancel_url(booking_id)
    if template in ICS_TEMPLATES:
        cancel = template in CANCEL_TEMPLATES
        sequence = context.get("ics_sequence", 0)
        if (
            template == "session_cancelled"
        ):  # cancelling the class raised it (after the notice's read)
            sequence += 1
        method = "CANCEL" if cancel else "PUBLISH"
        data = booking_ics(context, cancel=cancel, sequence=sequence)
        files.append(
            ("booking-ics", "class.ics", f"text/calendar; method={method}", data, "attachment")
        )
    return more, files
