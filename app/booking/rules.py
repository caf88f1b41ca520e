"""The checks every way of taking a spot shares: the session lock, the
booking window, strikes, eligibility and room left. None of them writes.

They also ask before a class that overlaps one the member has (`check_overlap`).

The engine (`services/bookings.py`) and the waitlist (`services/waitlist.py`) build on
these; each raises BookingError with a message for the member (or about
them, when staff act for them).
"""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.booking.models import (
    Booking,
    BookingStatus,
    Hold,
    Strike,
)
from app.booking.policy import STRIKE_WINDOW
from app.booking.queries import occupancy
from app.core.clock import local_date
from app.core.errors import DomainError
from app.core.i18n import gym_zone, local_time, short_datetime
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC
from app.memberships.queries import unlimited_membership_on
from app.scheduling.models import ClassSession, ClassType, SessionStatus
from app.scheduling.rules import booking_window
from app.settings.services import gym_settings


class BookingError(DomainError):
    """A booking rule said no; `str(exc)` is shown to the member."""


def lock_session_row(session_id: int, *, shared: bool = False) -> ClassSession | None:
    """The session row, locked FOR UPDATE (who takes a spot), or FOR SHARE when
    `shared` (who only queues: waiters don't wait for each other, and anyone
    taking or freeing a spot waits for them)."""
    lock = {"read": True} if shared else True
    try:
        return db.session.get(
            ClassSession, session_id, with_for_update=lock, populate_existing=True
        )
    except OperationalError as exc:  # lock_timeout on PostgreSQL, busy on SQLite
        raise BookingError(_("Many people are booking right now. Please try again.")) from exc


def lock_session(session_id: int, *, shared: bool = False) -> ClassSession:
    cs = lock_session_row(session_id, shared=shared)
    if cs is None or cs.status is not SessionStatus.PUBLISHED:
        raise BookingError(_("This class is no longer on the schedule."))
    return cs


def check_open(cs: ClassSession, now) -> None:
    if cs.starts_at <= now:
        raise BookingError(_("This class has already started."))
    if not cs.class_type.is_active:
        raise BookingError(_("This class is no longer on the schedule."))
    opens, closes = booking_window(cs)
    if now < opens:
        raise BookingError(
            _("Booking for this class opens on %(when)s.", when=short_datetime(opens))
        )
    if now >= closes:
        raise BookingError(_("Booking for this class has closed."))


def check_not_one_to_one(cs: ClassSession) -> None:
    """1:1 sessions are taken only through the trainer's free times (the staff
    domain's `book_slot`, which checks who may book that trainer); a hold or a
    waitlist place asked for by the session's id is refused."""
    if cs.class_type.is_one_to_one:
        raise BookingError(_("Book a 1:1 session from the trainer's free times."))


def check_not_blocked(member, now) -> None:
    settings = gym_settings()
    if not settings.strike_limit:
        return
    strikes = db.session.scalars(
        select(Strike.created_at)
        .where(Strike.member_id == member.id, Strike.created_at > now - STRIKE_WINDOW)
        .order_by(Strike.created_at.desc())
    ).all()
    if len(strikes) >= settings.strike_limit:
        until = strikes[0] + timedelta(days=settings.strike_block_days)
        if now < until:
            raise BookingError(
                _(
                    "After %(num)d late cancellations or no-shows you can book "
                    "again from %(when)s.",
                    num=len(strikes),
                    when=short_datetime(until),
                )
            )


def eligibility(cs: ClassSession, member, now, *, by_staff=False) -> tuple[int | None, int]:
    """(unlimited membership id or None, credits needed) — or BookingError why not,
    addressed to the member, or about them when staff book them in."""
    day = local_date(cs.starts_at, gym_zone())
    membership = unlimited_membership_on(member.id, day)
    if membership is not None:
        return membership.id, 0
    needed = cs.class_type.credits_required * CC
    if needed and ledger.balance(member.id, now) < needed:
        required = cs.class_type.credits_required
        if by_staff:
            raise BookingError(
                ngettext(
                    "%(name)s needs an active membership or %(num)d credit for this class.",
                    "%(name)s needs an active membership or %(num)d credits for this class.",
                    required,
                    name=member.name,
                )
            )
        raise BookingError(
            ngettext(
                "You need an active membership or %(num)d credit to book this class.",
                "You need an active membership or %(num)d credits to book this class.",
                required,
            )
        )
    return None, needed


def existing(cs_id: int, member_id: int, now, *, by_staff_for: str | None = None):
    """(None, the member's live hold or None); BookingError if already booked
    (about the member, named `by_staff_for`, when staff book them in)."""
    booking = db.session.scalar(
        select(Booking).where(
            Booking.session_id == cs_id,
            Booking.member_id == member_id,
            Booking.status == BookingStatus.CONFIRMED,
        )
    )
    if booking is not None and by_staff_for:
        raise BookingError(_("%(name)s already has a spot in this class.", name=by_staff_for))
    if booking is not None:
        raise BookingError(_("You already have a spot in this class."))
    hold = db.session.scalar(
        select(Hold).where(
            Hold.session_id == cs_id, Hold.member_id == member_id, occupancy.live_hold_filter(now)
        )
    )
    return booking, hold


def check_room(cs: ClassSession, now, *, priority_hold: Hold | None = None) -> None:
    taken = occupancy.taken(cs.id, now) - (1 if priority_hold is not None else 0)
    if taken >= cs.capacity:
        raise BookingError(_("This class is full."))


def refuse_when_plainly_full(session_id: int, member, now) -> None:
    """ "This class is full" without queueing for the session's lock, when the
    last committed state says so and the member has no spot or hold in it.

    Safe for capacity (invariant 1): it only ever refuses. A spot freed a
    moment after the read is one the member would have missed by arriving a
    moment earlier; anything else (room left, their own hold, a class not
    open) goes on to the locked checks. When a popular class fills, the
    hundreds who tap "book" after it are answered at once instead of each
    waiting their turn for the row lock.
    """
    if occupancy.plainly_full(session_id, member.id, now):
        raise BookingError(_("This class is full."))


class OverlapError(BookingError):
    """The class overlaps one the member has: ask before booking it anyway.

    Its field is `OVERLAP_FIELD`, so a view (or a stored idempotent result)
    tells the question from a refusal.
    """


#: the form flag that answers "book anyway?" with yes
OVERLAP_FIELD = "confirm_overlap"


def check_overlap(cs: ClassSession, member, now, *, anyway: bool, by_staff: bool) -> None:
    """Ask (OverlapError) before a class that overlaps one of the member's
    confirmed bookings or live holds, unless `anyway`; refuse it outright
    (BookingError) when the gym's `allow_overlapping_bookings` is off.

    One query, from the member's own rows (indexed by member), whatever
    they have booked.
    """
    booked = select(Booking.session_id).where(
        Booking.member_id == member.id, Booking.status == BookingStatus.CONFIRMED
    )
    held = select(Hold.session_id).where(
        Hold.member_id == member.id, occupancy.live_hold_filter(now)
    )
    clash = db.session.execute(
        select(ClassType.name, ClassSession.starts_at)
        .join(ClassType, ClassType.id == ClassSession.class_type_id)
        .where(
            ClassSession.id.in_(booked.union_all(held)),
            ClassSession.id != cs.id,
            ClassSession.starts_at < cs.ends_at,
            ClassSession.ends_at > cs.starts_at,
        )
        .order_by(ClassSession.starts_at)
        .limit(1)
    ).first()
    if clash is None:
        return
    values = {"name": member.name, "class_name": clash.name, "time": local_time(clash.starts_at)}
    if not gym_settings().allow_overlapping_bookings:
        raise BookingError(
            _(
                "%(name)s already has %(class_name)s at %(time)s, and this gym doesn't "
                "allow overlapping bookings.",
                **values,
            )
            if by_staff
            else _(
                "You already have %(class_name)s at %(time)s, and this gym doesn't allow "
                "overlapping bookings.",
                **values,
            )
        )
    if not anyway:
        raise OverlapError(
            _("%(name)s already has %(class_name)s at %(time)s — book anyway?", **values)
            if by_staff
            else _("You already have %(class_name)s at %(time)s — book anyway?", **values),
            field=OVERLAP_FIELD,
        )


def email_context(cs: ClassSession) -> dict:
    return {
        "class_name": cs.class_type.name,
        "starts_at": cs.starts_at.isoformat(),
        "ends_at": cs.ends_at.isoformat(),
        "room": cs.room.name,
        "trainer": cs.trainer.name,
    }
