"""Read-side queries for the back-office scheduling pages.

Every list runs a fixed number of statements whatever the number of rows:
the page (its class type, trainer, trainer's account and room come joined),
its count, and one per registered spot counter.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.extensions import db
from app.scheduling import spots
from app.scheduling.models import ClassSession, ClassType, Room, SessionStatus, TimetableEntry
from app.scheduling.queries import local_range
from app.trainers.models import Trainer

PER_PAGE = 25
#: pages past this are refused (an OFFSET that large is a typo or a probe)
MAX_PAGE = 10_000


def page_number(value: int | None) -> int:
    """A page number from the query string, kept within [1, MAX_PAGE]."""
    return min(max(value or 1, 1), MAX_PAGE)


def trainer_options(current_id: int | None = None, *, everyone: bool = False) -> list:
    """(id, name) of active trainers (or all), plus `current_id` even if inactive."""
    query = select(Trainer).join(Trainer.user).order_by(func.lower(User.name), Trainer.id)
    if not everyone:
        query = query.where(or_(Trainer.is_active.is_(True), Trainer.id == current_id))
    return [(trainer.id, trainer.name) for trainer in db.session.scalars(query).unique()]


def room_options(current_id: int | None = None, *, everyone: bool = False) -> list:
    query = select(Room).order_by(func.lower(Room.name), Room.id)
    if not everyone:
        query = query.where(or_(Room.is_active.is_(True), Room.id == current_id))
    return [(room.id, room.name) for room in db.session.scalars(query)]


def class_type_options(current_id: int | None = None, *, everyone: bool = False) -> list:
    query = select(ClassType.id, ClassType.name).order_by(func.lower(ClassType.name), ClassType.id)
    if not everyone:
        query = query.where(or_(ClassType.is_active.is_(True), ClassType.id == current_id))
    return [tuple(row) for row in db.session.execute(query)]


def rooms_page(page: int):
    query = select(Room).order_by(Room.is_active.desc(), func.lower(Room.name), Room.id)
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def class_types_page(page: int):
    query = (
        select(ClassType)
        .options(joinedload(ClassType.default_trainer), joinedload(ClassType.default_room))
        .order_by(ClassType.is_active.desc(), func.lower(ClassType.name), ClassType.id)
    )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def timetable_page(page: int):
    query = select(TimetableEntry).order_by(
        TimetableEntry.is_active.desc(), TimetableEntry.start_time, TimetableEntry.id
    )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


@dataclass
class SessionSearch:
    """The session list's filters; None means "any"."""

    date_from: date | None = None
    date_to: date | None = None
    trainer_id: int | None = None
    room_id: int | None = None
    class_type_id: int | None = None
    status: SessionStatus | None = None


def search_sessions(search: SessionSearch, page: int):
    """One page of sessions matching `search`, in start order."""
    query = select(ClassSession).order_by(ClassSession.starts_at, ClassSession.id)
    if search.date_from:
        query = query.where(ClassSession.starts_at >= local_range(search.date_from, 1)[0])
    if search.date_to:
        query = query.where(ClassSession.starts_at < local_range(search.date_to, 1)[1])
    if search.trainer_id:
        query = query.where(ClassSession.trainer_id == search.trainer_id)
    if search.room_id:
        query = query.where(ClassSession.room_id == search.room_id)
    if search.class_type_id:
        query = query.where(ClassSession.class_type_id == search.class_type_id)
    if search.status:
        query = query.where(ClassSession.status == search.status)
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def entry_sessions(entry_id: int, session_ids: list[int]) -> list[ClassSession]:
    """The sessions of one timetable entry among `session_ids`, in start order."""
    if not session_ids:
        return []
    query = (
        select(ClassSession)
        .where(ClassSession.timetable_entry_id == entry_id, ClassSession.id.in_(session_ids))
        .order_by(ClassSession.starts_at, ClassSession.id)
    )
    return list(db.session.scalars(query).unique())


def spots_taken(sessions: list[ClassSession]) -> dict[int, int]:
    """People in each session (bookings plus live holds), by session id."""
    return spots.spots_taken(s.id for s in sessions)
