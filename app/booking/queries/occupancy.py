"""Who takes a spot: confirmed bookings plus live holds (invariant 2 in SQL).

Connected to the `spots_taken` and `people_on_session` signals (see
`app.booking.init_app`), so every "spots left" figure and every timetable
edit sees the same count.
"""

from datetime import datetime

from sqlalchemy import func, literal, select

from app.booking.models import (
    Booking,
    BookingStatus,
    Hold,
    HoldStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from app.core.models import utc_now
from app.extensions import db
from app.scheduling.models import ClassSession, SessionStatus


def live_hold_filter(now: datetime):
    return (Hold.status == HoldStatus.ACTIVE) & (Hold.expires_at > now)


def taken_by_session(session_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """Confirmed bookings + unexpired active holds, per session (two queries)."""
    now = now or utc_now()
    counts: dict[int, int] = {}
    booked = db.session.execute(
        select(Booking.session_id, func.count(Booking.id))
        .where(Booking.session_id.in_(session_ids), Booking.status == BookingStatus.CONFIRMED)
        .group_by(Booking.session_id)
    ).all()
    held = db.session.execute(
        select(Hold.session_id, func.count(Hold.id))
        .where(Hold.session_id.in_(session_ids), live_hold_filter(now))
        .group_by(Hold.session_id)
    ).all()
    for session_id, count in [*booked, *held]:
        counts[session_id] = counts.get(session_id, 0) + count
    return counts


def taken(session_id: int, now: datetime | None = None) -> int:
    """`taken_by_session` for one session, in one statement."""
    return db.session.scalar(select(taken_column(literal(session_id), now or utc_now())))


def plainly_full(session_id: int, member_id: int, now: datetime) -> bool:
    """Whether the published, not yet started class is full, as last committed,
    and the member has neither a spot nor a live hold in it (one statement,
    no lock: see `app.booking.rules.refuse_when_plainly_full`)."""
    own_booking = select(Booking.id).where(
        Booking.session_id == session_id,
        Booking.member_id == member_id,
        Booking.status == BookingStatus.CONFIRMED,
    )
    own_hold = select(Hold.id).where(
        Hold.session_id == session_id, Hold.member_id == member_id, live_hold_filter(now)
    )
    full = db.session.scalar(
        select(taken_column(ClassSession.id, now) >= ClassSession.capacity).where(
            ClassSession.id == session_id,
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.starts_at > now,
            ~own_booking.exists(),
            ~own_hold.exists(),
        )
    )
    return bool(full)


def people_on(class_session) -> list:
    """Members with a confirmed booking, a live hold or a waitlist place."""
    from app.accounts.models import User

    now = utc_now()
    booked = select(Booking.member_id).where(
        Booking.session_id == class_session.id, Booking.status == BookingStatus.CONFIRMED
    )
    held = select(Hold.member_id).where(Hold.session_id == class_session.id, live_hold_filter(now))
    waiting = select(WaitlistEntry.member_id).where(
        WaitlistEntry.session_id == class_session.id,
        WaitlistEntry.status.in_([WaitlistStatus.WAITING, WaitlistStatus.OFFERED]),
    )
    ids = booked.union(held, waiting)
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


def taken_column(session_id, now: datetime):
    """`taken_by_session` as one correlated SQL expression on `session_id` (a
    column of the enclosing select): the same count, read in the same statement
    as the sessions, for the public timetable's ETag."""
    booked = (
        select(func.count(Booking.id))
        .where(Booking.session_id == session_id, Booking.status == BookingStatus.CONFIRMED)
        .scalar_subquery()
    )
    held = (
        select(func.count(Hold.id))
        .where(Hold.session_id == session_id, live_hold_filter(now))
        .scalar_subquery()
    )
    return booked + held


def places_on(class_session) -> dict[int, dict]:
    """{member id: their place} on the session, for the notice of a change:
    `spot` ("booked", "held", "waiting"); a booking adds its id and calendar
    sequence. A booking wins over a hold, a hold over a waitlist place. Three
    statements."""
    now = utc_now()
    places: dict[int, dict] = {}
    for member_id in db.session.scalars(
        select(WaitlistEntry.member_id).where(
            WaitlistEntry.session_id == class_session.id,
            WaitlistEntry.status.in_([WaitlistStatus.WAITING, WaitlistStatus.OFFERED]),
        )
    ):
        places[member_id] = {"spot": "waiting"}
    for member_id, expires_at in db.session.execute(
        select(Hold.member_id, Hold.expires_at).where(
            Hold.session_id == class_session.id, live_hold_filter(now)
        )
    ):
        places[member_id] = {"spot": "held", "hold_expires_at": expires_at.isoformat()}
    for booking_id, member_id, sequence in db.session.execute(
        select(Booking.id, Booking.member_id, Booking.ics_sequence).where(
            Booking.session_id == class_session.id, Booking.status == BookingStatus.CONFIRMED
        )
    ):
        places[member_id] = {"spot": "booked", "booking_id": booking_id, "ics_sequence": sequence}
    return places
