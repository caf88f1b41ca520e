"""Reminders before a class, and the cancellation their link leads to.

`send_reminders` (every five minutes) finds, in one statement per batch,
the confirmed bookings whose 24 h or 1 h reminder is due and not yet
recorded for the class's current start, records each in
`booking_reminders` and tells the member. The record is unique on
(booking, kind, start): a second run finds nothing to do, and a class moved
to another start is due fresh reminders. A reminder is for a booking made
before it was due (a booking made 20 minutes ahead has just been
confirmed); later bookings are recorded as handled, and nothing is sent.
Each reminder is dropped, unsent, once its class has begun (`drop_after`).
"""

import logging
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError

from app.booking.models import Booking, BookingReminder, BookingStatus, ReminderKind
from app.booking.policy import CancelTerms
from app.booking.rules import BookingError, email_context
from app.booking.services.bookings import cancel_with_terms
from app.core import signals
from app.core.db import transaction
from app.core.models import utc_now
from app.core.urls import app_path
from app.extensions import db
from app.scheduling.models import ClassSession, SessionStatus

log = logging.getLogger(__name__)

#: how long before the class each reminder is due, and the event it sends
LEADS = {
    ReminderKind.DAY_BEFORE: (timedelta(hours=24), "reminder_24h"),
    ReminderKind.HOUR_BEFORE: (timedelta(hours=1), "reminder_1h"),
}
BATCH = 500


def _not_recorded(kind: ReminderKind):
    return ~exists().where(
        BookingReminder.booking_id == Booking.id,
        BookingReminder.kind == kind,
        BookingReminder.starts_at == ClassSession.starts_at,
    )


def due_reminders(now, limit: int = BATCH) -> list[tuple[Booking, ReminderKind]]:
    """Bookings with a reminder due at `now` and not yet recorded, with its
    kind: one statement (the class, its type, trainer and room joined in)."""
    day, hour = LEADS[ReminderKind.DAY_BEFORE][0], LEADS[ReminderKind.HOUR_BEFORE][0]
    rows = db.session.execute(
        select(Booking, ClassSession)
        .join(ClassSession, ClassSession.id == Booking.session_id)
        .where(
            Booking.status == BookingStatus.CONFIRMED,
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.starts_at > now,
            ClassSession.starts_at <= now + day,
            or_(
                and_(ClassSession.starts_at <= now + hour, _not_recorded(ReminderKind.HOUR_BEFORE)),
                and_(ClassSession.starts_at > now + hour, _not_recorded(ReminderKind.DAY_BEFORE)),
            ),
        )
        .order_by(ClassSession.starts_at, Booking.id)
        .limit(limit)
    ).all()
    hour_ahead = now + hour
    return [
        (
            booking,
            ReminderKind.HOUR_BEFORE if cs.starts_at <= hour_ahead else ReminderKind.DAY_BEFORE,
        )
        for booking, cs in rows
    ]


def send_reminders(batch: int = BATCH) -> int:
    """Periodic: record and send every reminder due now; return how many were sent.

    One transaction per batch; a batch that meets a reminder recorded by a
    run alongside is rolled back (nothing of it sent) and left to the next
    run. Raises nothing of its own. Queues one `notifications.deliver` per
    reminder and channel (through `signals.tell`).
    """
    sent = 0
    while True:
        now = utc_now()
        try:
            with transaction():
                due = due_reminders(now, batch)
                for booking, kind in due:
                    sent += _remind(booking, kind)
        except IntegrityError:
            log.info("reminders: another run recorded some first; the next run goes on")
            return sent
        if len(due) < batch:
            return sent


def _remind(booking: Booking, kind: ReminderKind) -> int:
    cs = booking.session
    lead, event = LEADS[kind]
    fresh = booking.booked_at <= cs.starts_at - lead
    db.session.add(
        BookingReminder(booking_id=booking.id, kind=kind, starts_at=cs.starts_at, was_sent=fresh)
    )
    if not fresh:
        return 0
    signals.tell(
        booking.member_id,
        event,
        link=app_path("attendance_member.booking_pass", booking_id=booking.id),
        options={"drop_after": cs.starts_at.isoformat()},
        **email_context(cs),
        booking_id=booking.id,
        ics_sequence=booking.ics_sequence,
    )
    return 1


def booking_for_link(booking_id: int) -> Booking | None:
    """The booking a "Can't make it?" link names (None: none). Reads only."""
    return db.session.get(Booking, booking_id)


def cancel_from_link(booking_id: int) -> tuple[Booking, CancelTerms]:
    """Cancel the booking a signed link names, as its member, under the
    policy (`cancel_with_terms`: the tiers, or free after a change of time
    or trainer).

    Raises BookingError when the booking is missing, already cancelled (the
    link was used) or its class has started. Queues what `cancel_with_terms`
    queues: the member's `booking_cancelled` news and the waitlist's promotion.
    """
    booking = booking_for_link(booking_id)
    if booking is None:
        raise BookingError(_("We couldn't find that booking."))
    member = booking.member
    return cancel_with_terms(booking.id, member, actor=member)
