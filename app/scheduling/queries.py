"""Read-side queries for calendars and schedules.

Each runs a fixed number of SQL statements whatever the number of sessions:
one for the sessions (class type, trainer, trainer's account and room come
joined) and one per registered spot counter.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.core.clock import local_day_bounds
from app.core.i18n import gym_zone
from app.extensions import db
from app.scheduling import spots
from app.scheduling.models import ClassSession, ClassType, Room, SessionStatus
from app.trainers.models import Trainer


@dataclass
class SessionFilters:
    trainer_id: int | None = None
    room_id: int | None = None
    class_type_id: int | None = None
    #: members and the public see published, not cancelled, active-type sessions
    members_view: bool = False
    include_cancelled: bool = True


@dataclass
class ScheduledSession:
    session: ClassSession
    spots_left: int

    @property
    def is_full(self) -> bool:
        return self.spots_left <= 0


def local_range(first_day: date, days: int) -> tuple[datetime, datetime]:
    """UTC bounds of `days` local days starting at `first_day`."""
    zone = gym_zone()
    start, _ = local_day_bounds(first_day, zone)
    _, end = local_day_bounds(first_day + timedelta(days=days - 1), zone)
    return start, end


def sessions_between(start: datetime, end: datetime, filters: SessionFilters) -> list:
    """Sessions starting in [start, end), in start order, filtered."""
    query = (
        select(ClassSession)
        .where(ClassSession.starts_at >= start, ClassSession.starts_at < end)
        .order_by(ClassSession.starts_at, ClassSession.id)
    )
    if filters.trainer_id:
        query = query.where(ClassSession.trainer_id == filters.trainer_id)
    if filters.room_id:
        query = query.where(ClassSession.room_id == filters.room_id)
    if filters.class_type_id:
        query = query.where(ClassSession.class_type_id == filters.class_type_id)
    if filters.members_view:
        query = query.where(
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.class_type.has(ClassType.is_active.is_(True)),
        )
    elif not filters.include_cancelled:
        query = query.where(ClassSession.status != SessionStatus.CANCELLED)
    return list(db.session.scalars(query).unique())


def with_spots(sessions: list[ClassSession]) -> list[ScheduledSession]:
    """Pair each session with its spots left (one count for all of them)."""
    taken = spots.spots_taken(s.id for s in sessions)
    return [ScheduledSession(s, max(s.capacity - taken[s.id], 0)) for s in sessions]


def choices() -> dict:
    """Active trainers, rooms and class types for filter menus (three queries)."""
    return {
        "trainers": db.session.scalars(
            select(Trainer).where(Trainer.is_active.is_(True)).order_by(Trainer.id)
        ).all(),
        "rooms": db.session.scalars(
            select(Room).where(Room.is_active.is_(True)).order_by(Room.name)
        ).all(),
        "class_types": db.session.scalars(
            select(ClassType).where(ClassType.is_active.is_(True)).order_by(ClassType.name)
        ).all(),
    }
