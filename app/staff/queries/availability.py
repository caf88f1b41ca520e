"""Reads about trainers' availability and their free 1:1 slots.

Every read here runs a fixed number of queries whatever the data size:
the slots of one trainer and type take four (blocks, exceptions, sessions,
leave), however many days, blocks or sessions there are.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, or_, select

from app.booking.models import Booking, BookingStatus, Hold
from app.booking.queries.occupancy import live_hold_filter
from app.core.clock import local_date, local_day_bounds
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType, SessionStatus
from app.staff.models import AvailabilityBlock, AvailabilityException
from app.staff.queries.leave import approved_leave_between
from app.staff.services.slots import Busy, day_windows, free_slots
from app.trainers.models import Trainer

#: at most this many days of slots on one page
MAX_DAYS = 60


def blocks_of(trainer_id: int) -> list[AvailabilityBlock]:
    """The trainer's weekly blocks, Monday first, then by start."""
    return list(
        db.session.scalars(
            select(AvailabilityBlock)
            .where(AvailabilityBlock.trainer_id == trainer_id)
            .order_by(
                AvailabilityBlock.weekday,
                AvailabilityBlock.start_time,
                AvailabilityBlock.valid_from,
            )
        )
    )


def exceptions_of(trainer_id: int, since: date) -> list[AvailabilityException]:
    """The trainer's exceptions on `since` or later, in date order."""
    return list(
        db.session.scalars(
            select(AvailabilityException)
            .where(
                AvailabilityException.trainer_id == trainer_id,
                AvailabilityException.on_day >= since,
            )
            .order_by(AvailabilityException.on_day, AvailabilityException.start_time)
        )
    )


def _session_counts(now: datetime):
    """A session keeps its trainer busy unless it is a 1:1 whose hold lapsed
    and that nobody booked: such a one frees its slot on its own."""
    booked = exists().where(
        Booking.session_id == ClassSession.id, Booking.status != BookingStatus.CANCELLED
    )
    held = exists().where(Hold.session_id == ClassSession.id, live_hold_filter(now))
    return or_(ClassType.is_one_to_one.is_(False), booked, held)


def busy_sessions(trainer_id: int, start: datetime, end: datetime, now: datetime):
    """(starts_at, ends_at) of the trainer's sessions overlapping [start, end)
    that keep them busy: not cancelled, and not a lapsed 1:1. One query."""
    return db.session.execute(
        select(ClassSession.starts_at, ClassSession.ends_at)
        .join(ClassType, ClassType.id == ClassSession.class_type_id)
        .where(
            ClassSession.trainer_id == trainer_id,
            ClassSession.status != SessionStatus.CANCELLED,
            ClassSession.starts_at < end,
            ClassSession.ends_at > start,
            _session_counts(now),
        )
    ).all()


def lapsed_one_to_ones(trainer_id: int | None, now: datetime, *, lock: bool = False):
    """Upcoming 1:1 sessions nobody booked and no live hold keeps: the
    trainer's, or everyone's when `trainer_id` is None; locked FOR UPDATE
    when `lock` (whoever cancels them)."""
    query = (
        select(ClassSession)
        .join(ClassType, ClassType.id == ClassSession.class_type_id)
        .where(
            ClassSession.status != SessionStatus.CANCELLED,
            ClassSession.starts_at > now,
            ClassType.is_one_to_one.is_(True),
            ~_session_counts(now),
        )
        .order_by(ClassSession.id)
    )
    if trainer_id is not None:
        query = query.where(ClassSession.trainer_id == trainer_id)
    if lock:
        query = query.with_for_update(of=ClassSession)
    return list(db.session.scalars(query))


def slot_days(class_type: ClassType, now: datetime, zone) -> list[date]:
    """The gym-local days a 1:1 of this type can fall on, from today to the horizon."""
    first = local_date(now, zone)
    last = local_date(now + timedelta(days=class_type.horizon_days), zone)
    count = min((last - first).days + 1, MAX_DAYS)
    return [first + timedelta(days=i) for i in range(count)]


def free_slots_for(
    trainer_id: int, class_type: ClassType, days: list[date], now: datetime, zone
) -> dict[date, list[datetime]]:
    """Free starts of a 1:1 of `class_type` with the trainer on each of `days`.

    Four queries: blocks, exceptions, sessions and approved leave.
    """
    if not days:
        return {}
    start, _ = local_day_bounds(days[0], zone)
    _, end = local_day_bounds(days[-1], zone)
    buffer = timedelta(minutes=class_type.buffer_minutes)
    sessions = busy_sessions(trainer_id, start - buffer, end + buffer, now)
    leave = approved_leave_between(trainer_id, start, end)
    busy = [Busy(s.starts_at, s.ends_at) for s in sessions]
    busy += [Busy(item.starts_at, item.ends_at, buffered=False) for item in leave]
    return free_slots(
        days,
        blocks=blocks_of(trainer_id),
        exceptions=exceptions_of(trainer_id, days[0]),
        busy=busy,
        duration=timedelta(minutes=class_type.duration_minutes),
        buffer=buffer,
        earliest=now + timedelta(minutes=class_type.notice_minutes),
        latest=now + timedelta(days=class_type.horizon_days),
        zone=zone,
    )


def one_to_one_types() -> list[ClassType]:
    """Active 1:1 class types, by name."""
    return list(
        db.session.scalars(
            select(ClassType)
            .where(ClassType.is_one_to_one.is_(True), ClassType.is_active.is_(True))
            .order_by(ClassType.name)
        )
    )


def bookable_trainers() -> list[Trainer]:
    """Active trainers with at least one availability block, by name. One query."""
    from app.accounts.models import User

    has_block = exists().where(AvailabilityBlock.trainer_id == Trainer.id)
    return list(
        db.session.scalars(
            select(Trainer)
            .join(User, User.id == Trainer.user_id)
            .where(Trainer.is_active.is_(True), has_block)
            .order_by(User.name)
        )
    )


@dataclass(frozen=True)
class Outside:
    """A booked 1:1 that no longer lies inside its trainer's availability."""

    session: ClassSession
    member_name: str


def booked_outside_availability(trainer_id: int, now: datetime, zone) -> list[Outside]:
    """The trainer's upcoming booked 1:1 sessions that their availability no
    longer covers, soonest first. Three queries."""
    from app.accounts.models import User

    rows = db.session.execute(
        select(ClassSession, User.name)
        .join(ClassType, ClassType.id == ClassSession.class_type_id)
        .join(Booking, Booking.session_id == ClassSession.id)
        .join(User, User.id == Booking.member_id)
        .where(
            ClassSession.trainer_id == trainer_id,
            ClassSession.status != SessionStatus.CANCELLED,
            ClassSession.starts_at > now,
            ClassType.is_one_to_one.is_(True),
            Booking.status == BookingStatus.CONFIRMED,
        )
        .order_by(ClassSession.starts_at)
    ).all()
    if not rows:
        return []
    blocks = blocks_of(trainer_id)
    exceptions = exceptions_of(trainer_id, local_date(rows[0][0].starts_at, zone))
    outside = []
    for session, name in rows:
        local_start = session.starts_at.astimezone(zone)
        local_end = session.ends_at.astimezone(zone)
        windows = day_windows(local_start.date(), blocks, exceptions)
        inside = local_end.date() == local_start.date() and any(
            w.start <= local_start.time() and local_end.time() <= w.end for w in windows
        )
        if not inside:
            outside.append(Outside(session, name))
    return outside
