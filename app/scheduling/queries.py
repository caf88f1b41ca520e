"""Read-side queries for calendars, schedules, feeds and the back-office lists.

Each runs a fixed number of SQL statements whatever the number of sessions
or rows: one for the sessions or the page (class type, trainer, trainer's
account and room come joined), the page's count, and one per registered
spot counter.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, func, literal, null, or_, select, union_all
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.core.clock import local_date, local_day_bounds
from app.core.i18n import gym_zone
from app.core.inputs import page_number
from app.core.models import utc_now
from app.extensions import db
from app.scheduling import spots
from app.scheduling.models import (
    ClassSession,
    ClassType,
    Difficulty,
    Room,
    SessionState,
    SessionStatus,
    TimetableEntry,
)
from app.scheduling.rules import horizon_end
from app.trainers.models import Trainer

PER_PAGE = 25
#: feeds start this far back, so last week's classes stay in the calendar
LOOKBACK = timedelta(days=7)
FEED_STATUSES = (SessionStatus.PUBLISHED, SessionStatus.CANCELLED)


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


@dataclass
class CalendarDay:
    day: date
    sessions: list[ScheduledSession]
    is_today: bool


def week_days(monday: date, filters: SessionFilters, today: date) -> list[CalendarDay]:
    """Monday to Sunday, each with its sessions in start order."""
    start, end = local_range(monday, 7)
    zone = gym_zone()
    by_day: dict[date, list] = {monday + timedelta(days=n): [] for n in range(7)}
    for row in with_spots(sessions_between(start, end, filters)):
        by_day.setdefault(local_date(row.session.starts_at, zone), []).append(row)
    return [CalendarDay(day, rows, day == today) for day, rows in sorted(by_day.items())]


def feed_sessions(*, trainer_id: int | None = None) -> list[ClassSession]:
    """Published and cancelled sessions from a week ago to the horizon (one query).

    With `trainer_id`, that trainer's; without, the public timetable (active
    class types only, as members see it).
    """
    now = utc_now()
    _, end = local_day_bounds(horizon_end(local_date(now, gym_zone())), gym_zone())
    query = (
        select(ClassSession)
        .where(
            ClassSession.starts_at >= now - LOOKBACK,
            ClassSession.starts_at < end,
            ClassSession.status.in_(FEED_STATUSES),
        )
        .order_by(ClassSession.starts_at, ClassSession.id)
    )
    if trainer_id is None:
        query = query.where(ClassSession.class_type.has(ClassType.is_active.is_(True)))
    else:
        query = query.where(ClassSession.trainer_id == trainer_id)
    return list(db.session.scalars(query).unique())


# ---- the back-office lists ----------------------------------------------------


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


# ---- the timetable members and the public see ---------------------------------
#
# Read as plain rows in one statement, not as ORM objects: the schedule pages
# are the ones members reload in a rush when a class opens, and loading three
# dozen sessions with their type, room and trainer into the session's identity
# map was a large share of them. The same rows are the public timetable's ETag.


class MenuEntry(NamedTuple):
    id: int
    name: str


#: where a menu entry's id and name sit in the timetable's rows
_MENU_ID, _MENU_NAME = 6, 7


@lru_cache(maxsize=4)
def _timetable_statement(taken_column):
    """The sessions, then the filter menus' entries (active trainers and class
    types) padded to the sessions' columns, so both come in one round trip.
    Built once per process (and spot counter): a 304 of the public timetable
    is a few milliseconds, and building this afresh was a fair share of them."""
    columns = [
        ClassSession.id,
        ClassSession.starts_at,
        ClassSession.ends_at,
        ClassSession.status,
        ClassSession.capacity,
        ClassSession.trainer_id,
        ClassType.id,
        ClassType.name,
        ClassType.colour,
        ClassType.difficulty,
        ClassType.is_active,
        ClassType.credits_required,
        ClassType.booking_opens_hours,
        ClassType.booking_closes_minutes,
        Room.name,
        User.name,
        taken_column(ClassSession.id, bindparam("now")),
    ]
    sessions = (
        select(literal("session"), *columns)
        .join(ClassType, ClassSession.class_type_id == ClassType.id)
        .outerjoin(Room, ClassSession.room_id == Room.id)
        .outerjoin(Trainer, ClassSession.trainer_id == Trainer.id)
        .outerjoin(User, Trainer.user_id == User.id)
        .where(
            ClassSession.starts_at >= bindparam("start"),
            ClassSession.starts_at < bindparam("end"),
            # a 1:1 is booked from the trainer's free times, never joined from here
            ClassType.is_one_to_one.is_(False),
        )
    )

    def menu(kind: str, id_column, name_column):
        padded = [null().label(f"pad_{n}") for n in range(len(columns))]
        padded[_MENU_ID], padded[_MENU_NAME] = id_column, name_column
        return select(literal(kind), *padded)

    trainers = (
        menu("trainer", Trainer.id, User.name)
        .join(User, Trainer.user_id == User.id)
        .where(Trainer.is_active.is_(True))
    )
    class_types = menu("class", ClassType.id, ClassType.name).where(
        ClassType.is_active.is_(True), ClassType.is_one_to_one.is_(False)
    )
    return union_all(sessions, trainers, class_types)


def timetable(start: datetime, end: datetime, now: datetime, taken_column) -> tuple[dict, list]:
    """The schedule's filter menus and its sessions, in one statement.

    The menus: active trainers (by id) and class types (by name), as
    `MenuEntry`s. The sessions: every session starting in [start, end) but
    1:1s, whatever its status or filters, as plain rows in start order: times,
    state, type (with its booking rules), room, trainer and spots taken at
    `now`, plus whether it has started and ended (a class's state moves on
    with the clock alone).

    `taken_column(session_id, now)` is the spot counter as a correlated SQL
    expression; scheduling does not know who takes spots, so the caller
    passes it (booking's `occupancy.taken_column`).
    """
    result = db.session.execute(
        _timetable_statement(taken_column), {"start": start, "end": end, "now": now}
    ).all()
    entries = {"trainer": [], "class": []}
    rows = []
    for kind, *row in result:
        if kind == "session":
            rows.append((*row, row[1] <= now, row[2] <= now))
        else:
            entries[kind].append(MenuEntry(row[_MENU_ID], row[_MENU_NAME]))
    rows.sort(key=lambda row: (row[1], row[0]))
    menus = {
        "trainers": sorted(entries["trainer"]),
        "class_types": sorted(entries["class"], key=lambda entry: (entry.name, entry.id)),
    }
    return menus, rows


@dataclass(frozen=True, slots=True)
class Named:
    name: str | None


@dataclass(frozen=True, slots=True)
class TimetableClassType:
    id: int
    name: str
    colour: str
    difficulty: Difficulty
    is_active: bool
    credits_required: int
    booking_opens_hours: int | None
    booking_closes_minutes: int | None


@dataclass(frozen=True, slots=True)
class TimetableSession:
    """A class session as the timetable read it: plain values that answer what
    the session card and the member's states ask of a `ClassSession`."""

    id: int
    starts_at: datetime
    ends_at: datetime
    status: SessionStatus
    capacity: int
    trainer_id: int | None
    class_type: TimetableClassType
    room: Named
    trainer: Named
    #: the row it was read from: what the card shows, for cache keys and ETags
    row: tuple

    def state_at(self, now: datetime) -> SessionState:
        return ClassSession.state_at(self, now)


def timetable_sessions(rows: list[tuple], filters: SessionFilters) -> list[ScheduledSession]:
    """The sessions of `timetable` that `filters` keep, with spots left."""
    items = []
    for row in rows:
        cs = TimetableSession(
            *row[:6], TimetableClassType(*row[6:14]), Named(row[14]), Named(row[15]), row
        )
        if _kept(cs, filters):
            items.append(ScheduledSession(cs, max(cs.capacity - row[16], 0)))
    return items


def _kept(cs: TimetableSession, filters: SessionFilters) -> bool:
    if filters.trainer_id and cs.trainer_id != filters.trainer_id:
        return False
    if filters.room_id:
        raise ValueError("the timetable rows do not carry rooms' ids")
    if filters.class_type_id and cs.class_type.id != filters.class_type_id:
        return False
    if filters.members_view:
        return cs.status is SessionStatus.PUBLISHED and cs.class_type.is_active
    return filters.include_cancelled or cs.status is not SessionStatus.CANCELLED
