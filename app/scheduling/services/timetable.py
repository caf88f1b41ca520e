"""Recurring timetable entries and the sessions they generate.

"Monday and Wednesday 7:00" is 7:00 in the gym's time zone on every such day,
across daylight-saving changes: each session's UTC start is computed from the
local date and wall-clock time. Generation is idempotent: a session is unique
per (entry, local day), so running it twice adds nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.clock import local_date, local_to_utc
from app.core.db import transaction
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.permissions import ADMIN, require_role
from app.extensions import db
from app.scheduling import spots
from app.scheduling.models import ClassSession, SessionStatus, TimetableEntry
from app.scheduling.rules import (
    LAST_YEAR,
    SchedulingError,
    Slot,
    check_capacity,
    check_no_overlap,
    horizon_end,
    load_parties,
)

log = logging.getLogger(__name__)
ENTRY_FIELDS = [
    "class_type_id",
    "weekdays",
    "start_time",
    "trainer_id",
    "room_id",
    "capacity",
    "starts_on",
    "ends_on",
    "is_active",
]


@dataclass
class TimetableChange:
    """What saving an entry did to its future sessions."""

    entry: TimetableEntry
    created: int = 0
    updated: int = 0
    removed: int = 0
    #: future sessions left as they were because people are in them
    kept: list[ClassSession] = field(default_factory=list)


def save_timetable_entry(entry_id: int | None, values: dict, *, actor) -> TimetableChange:
    """Create or change a recurring entry and bring its future sessions in line.

    Future sessions nobody is in are moved, re-staffed or removed to match;
    those with people in them, or changed by hand, are kept and listed in
    the result for the admin to decide. Raises AccessDenied unless `actor`
    is an admin; SchedulingError for bad values, an inactive class type,
    trainer or room, an entry that no longer exists, or a trainer/room
    overlap (naming the other session). Queues nothing.
    """
    require_role(actor, *ADMIN)
    _check_pattern(values)
    with transaction():
        class_type, trainer, room = load_parties(
            values["class_type_id"], values["trainer_id"], values["room_id"]
        )
        capacity = values.get("capacity")
        check_capacity(class_type.default_capacity if capacity is None else capacity, room)
        entry = TimetableEntry() if entry_id is None else _locked_entry(entry_id)
        before = None if entry_id is None else audit.changes(entry, ENTRY_FIELDS)
        for name in ENTRY_FIELDS:
            if name in values:
                setattr(entry, name, values[name])
        entry.class_type, entry.trainer, entry.room = class_type, trainer, room
        db.session.add(entry)
        db.session.flush()
        change = _sync_future_sessions(entry)
        action = "timetable.created" if entry_id is None else "timetable.updated"
        after = dict(
            audit.changes(entry, ENTRY_FIELDS),
            created=change.created,
            updated=change.updated,
            removed=change.removed,
            kept=len(change.kept),
        )
        audit.record(action, entry, actor=actor, before=before, after=after)
    return change


def _check_pattern(values: dict) -> None:
    if not values.get("weekdays") or not 0 < values["weekdays"] < 128:
        raise SchedulingError(_("Choose at least one weekday."), field="weekdays")
    if values.get("start_time") is None:
        raise SchedulingError(_("Enter the start time."), field="start_time")
    if values.get("starts_on") is None:
        raise SchedulingError(_("Enter the first date."), field="starts_on")
    for name in ("starts_on", "ends_on"):
        if values.get(name) and values[name].year > LAST_YEAR:
            raise SchedulingError(
                _("Choose a date before %(year)d.", year=LAST_YEAR + 1), field=name
            )
    if values.get("ends_on") and values["ends_on"] < values["starts_on"]:
        raise SchedulingError(_("The last date must not be before the first."), field="ends_on")


def _locked_entry(entry_id: int) -> TimetableEntry:
    entry = db.session.get(TimetableEntry, entry_id, with_for_update=True, populate_existing=True)
    if entry is None:
        raise SchedulingError(_("This record no longer exists."))
    return entry


def _future_sessions(entry: TimetableEntry) -> list[ClassSession]:
    return list(
        db.session.scalars(
            select(ClassSession)
            .where(
                ClassSession.timetable_entry_id == entry.id,
                ClassSession.starts_at > utc_now(),
                ClassSession.status != SessionStatus.CANCELLED,
            )
            .order_by(ClassSession.starts_at)
        )
    )


def _sync_future_sessions(entry: TimetableEntry) -> TimetableChange:
    change = TimetableChange(entry)
    future = _future_sessions(entry)
    taken = spots.spots_taken(s.id for s in future)
    free = [s for s in future if not taken[s.id] and not s.is_customised]
    change.kept = [s for s in future if taken[s.id] or s.is_customised]
    zone = gym_zone()
    moved = []
    for cs in free:
        if not entry.is_active or not entry.runs_on(cs.occurs_on):
            db.session.delete(cs)
            change.removed += 1
            continue
        _fit_to_entry(cs, entry, zone)
        moved.append(cs)
    db.session.flush()
    new = _missing_sessions(entry, zone) if entry.is_active else []
    check_no_overlap([_slot(s) for s in moved + new], ignore_ids={s.id for s in moved})
    db.session.add_all(new)
    change.updated, change.created = len(moved), len(new)
    return change


def _fit_to_entry(cs: ClassSession, entry: TimetableEntry, zone) -> None:
    cs.class_type, cs.trainer, cs.room = entry.class_type, entry.trainer, entry.room
    cs.starts_at = local_to_utc(cs.occurs_on, entry.start_time, zone)
    cs.ends_at = cs.starts_at + timedelta(minutes=entry.class_type.duration_minutes)
    cs.capacity = entry.capacity or entry.class_type.default_capacity


def _missing_sessions(entry: TimetableEntry, zone, today: date | None = None) -> list:
    """Sessions the entry should have up to the horizon and does not yet."""
    now = utc_now()
    first = max(entry.starts_on, today or local_date(now, zone))
    last = min(entry.ends_on or date.max, horizon_end(today))
    have = set(
        db.session.scalars(
            select(ClassSession.occurs_on).where(
                ClassSession.timetable_entry_id == entry.id,
                ClassSession.occurs_on >= first,
                ClassSession.occurs_on <= last,
            )
        )
    )
    sessions = []
    day = first
    while day <= last:
        if entry.runs_on(day) and day not in have:
            cs = ClassSession(timetable_entry=entry, occurs_on=day, status=SessionStatus.PUBLISHED)
            _fit_to_entry(cs, entry, zone)
            if cs.starts_at > now:
                sessions.append(cs)
        day += timedelta(days=1)
    return sessions


def _slot(cs: ClassSession) -> Slot:
    return Slot(cs.starts_at, cs.ends_at, cs.trainer, cs.room, cs.capacity)


def fill_horizon(today: date | None = None) -> int:
    """Daily job: add the sessions that came into the horizon; return how many.

    One transaction per entry; entries whose class type, trainer or room is
    inactive are skipped, and a new day that overlaps another session is
    skipped (logged) rather than failing the whole run. Raises nothing of
    its own. Queues nothing.
    """
    created = 0
    entry_ids = db.session.scalars(
        select(TimetableEntry.id).where(TimetableEntry.is_active.is_(True))
    ).all()
    for entry_id in entry_ids:
        created += _fill_entry(entry_id, today)
    return created


def _fill_entry(entry_id: int, today: date | None) -> int:
    with transaction():
        entry = db.session.get(TimetableEntry, entry_id)
        if not (entry.class_type.is_active and entry.trainer.is_active and entry.room.is_active):
            return 0
        load_parties(entry.class_type_id, entry.trainer_id, entry.room_id)  # takes the locks
        fresh = []
        for cs in _missing_sessions(entry, gym_zone(), today):
            try:
                check_no_overlap([_slot(cs)])
            except SchedulingError as exc:
                log.warning("timetable entry %s skips %s: %s", entry.id, cs.occurs_on, exc)
                continue
            fresh.append(cs)
        db.session.add_all(fresh)
        if fresh:
            audit.record("timetable.extended", entry, after={"created": len(fresh)})
    return len(fresh)
