"""Rooms and class types: the catalogue sessions are made from.

Timetable entries live in `timetable.py`, single sessions in `sessions.py`.
"""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.core import audit
from app.core.db import transaction
from app.core.permissions import ADMIN, require_role
from app.extensions import db
from app.scheduling.models import ClassType, Difficulty, Room
from app.scheduling.rules import SchedulingError
from app.trainers.models import Trainer

ROOM_FIELDS = ["name", "capacity", "is_active"]
CLASS_TYPE_FIELDS = [
    "name",
    "description",
    "tags",
    "colour",
    "duration_minutes",
    "default_capacity",
    "credits_required",
    "difficulty",
    "default_trainer_id",
    "default_room_id",
    "is_active",
    "booking_opens_hours",
    "booking_closes_minutes",
    "is_one_to_one",
    "buffer_minutes",
    "notice_minutes",
    "horizon_days",
]


def _name_taken(model, name: str, exclude_id: int | None) -> bool:
    query = select(model.id).where(model.name == name)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


def save_room(room_id: int | None, *, name: str, capacity: int, is_active: bool = True, actor):
    """Create (room_id None) or change a room, and audit it.

    Raises AccessDenied unless `actor` is an admin; SchedulingError for a
    blank, long or taken name, a capacity below 1, a room that no longer
    exists, or a capacity below that of an upcoming class or active
    timetable entry in the room. Queues nothing.
    """
    require_role(actor, *ADMIN)
    name = _check_name(name, NAME_MAX)
    if capacity is None or capacity < 1:
        raise SchedulingError(_("Capacity must be at least 1."), field="capacity")
    with transaction():
        if _name_taken(Room, name, room_id):
            raise SchedulingError(_("There is already a room with this name."), field="name")
        room = Room() if room_id is None else _get(Room, room_id, lock=True)
        if room_id is not None:
            _check_room_fits_its_classes(room, capacity)
        before = None if room_id is None else audit.changes(room, ROOM_FIELDS)
        room.name, room.capacity, room.is_active = name, capacity, is_active
        db.session.add(room)
        db.session.flush()
        action = "room.created" if room_id is None else "room.updated"
        audit.record(
            action, room, actor=actor, before=before, after=audit.changes(room, ROOM_FIELDS)
        )
    return room


def save_class_type(class_type_id: int | None, values: dict, *, actor) -> ClassType:
    """Create (class_type_id None) or change a class type.

    `values` holds CLASS_TYPE_FIELDS; a change is audited when something
    changed. Raises AccessDenied unless `actor` is an admin; SchedulingError
    for a blank, long or taken name, a usual trainer or room that is not
    active, a default capacity the usual room cannot hold, an unknown
    difficulty, a 1:1 with a capacity other than 1 or no usual room, a
    buffer, notice or horizon out of bounds, or a class type that no longer
    exists. Queues nothing.
    """
    require_role(actor, *ADMIN)
    values = dict(values, name=_check_name(values.get("name"), NAME_MAX))
    with transaction():
        if _name_taken(ClassType, values["name"], class_type_id):
            raise SchedulingError(_("There is already a class type with this name."), field="name")
        _check_defaults(values)
        if class_type_id is None:
            class_type = ClassType()
            before = None
        else:
            class_type = _get(ClassType, class_type_id, lock=True)
            before = audit.changes(class_type, CLASS_TYPE_FIELDS)
        for field in CLASS_TYPE_FIELDS:
            if field in values:
                setattr(class_type, field, values[field])
        db.session.add(class_type)
        db.session.flush()
        action = "class_type.created" if class_type_id is None else "class_type.updated"
        after = audit.changes(class_type, CLASS_TYPE_FIELDS)
        if before != after:
            audit.record(action, class_type, actor=actor, before=before, after=after)
    return class_type


NAME_MAX = 80


def _check_name(name: str | None, limit: int) -> str:
    name = (name or "").strip()
    if not name:
        raise SchedulingError(_("Enter a name."), field="name")
    if len(name) > limit:
        raise SchedulingError(_("Use at most %(max)d characters.", max=limit), field="name")
    return name


def _check_room_fits_its_classes(room: Room, capacity: int) -> None:
    """A room cannot shrink below its upcoming classes or its timetable entries."""
    from app.core.models import utc_now
    from app.scheduling.models import ClassSession, SessionStatus, TimetableEntry

    sessions = select(func.count(ClassSession.id)).where(
        ClassSession.room_id == room.id,
        ClassSession.starts_at > utc_now(),
        ClassSession.status != SessionStatus.CANCELLED,
        ClassSession.capacity > capacity,
    )
    entries = (
        select(func.count(TimetableEntry.id))
        .join(ClassType, ClassType.id == TimetableEntry.class_type_id)
        .where(
            TimetableEntry.room_id == room.id,
            TimetableEntry.is_active.is_(True),
            func.coalesce(TimetableEntry.capacity, ClassType.default_capacity) > capacity,
        )
    )
    bigger = db.session.scalar(sessions) + db.session.scalar(entries)
    if bigger:
        raise SchedulingError(
            ngettext(
                "%(num)d upcoming class or timetable entry in this room takes more people; "
                "lower its capacity first.",
                "%(num)d upcoming classes or timetable entries in this room take more people; "
                "lower their capacity first.",
                bigger,
            ),
            field="capacity",
        )


def _check_defaults(values: dict) -> None:
    trainer_id, room_id = values.get("default_trainer_id"), values.get("default_room_id")
    if trainer_id is not None:
        trainer = db.session.get(Trainer, trainer_id)
        if trainer is None or not trainer.is_active:
            raise SchedulingError(_("Choose an active trainer."), field="default_trainer_id")
    if room_id is not None:
        room = db.session.get(Room, room_id)
        if room is None or not room.is_active:
            raise SchedulingError(_("Choose an active room."), field="default_room_id")
        if values.get("default_capacity", 0) > room.capacity:
            raise SchedulingError(
                ngettext(
                    "%(room)s holds at most %(capacity)d person.",
                    "%(room)s holds at most %(capacity)d people.",
                    room.capacity,
                    room=room.name,
                    capacity=room.capacity,
                ),
                field="default_capacity",
            )
    if not isinstance(values.get("difficulty", Difficulty.ALL_LEVELS), Difficulty):
        raise SchedulingError(_("Choose a difficulty."), field="difficulty")
    _check_one_to_one(values)


#: the 1:1 settings' bounds (minutes, minutes, days)
ONE_TO_ONE_LIMITS = {"buffer_minutes": 240, "notice_minutes": 10080, "horizon_days": 180}


def _check_one_to_one(values: dict) -> None:
    """A 1:1 is for one person, in a usual room, with sane buffer, notice and horizon."""
    for field, most in ONE_TO_ONE_LIMITS.items():
        value = values.get(field)
        least = 1 if field == "horizon_days" else 0
        if value is not None and not least <= value <= most:
            raise SchedulingError(
                _("Enter between %(min)d and %(max)d.", min=least, max=most), field=field
            )
    if not values.get("is_one_to_one"):
        return
    if values.get("default_capacity") != 1:
        raise SchedulingError(
            _("A 1:1 session is for one person: set the capacity to 1."), field="default_capacity"
        )
    if values.get("default_room_id") is None:
        raise SchedulingError(
            _("Choose the room where 1:1 sessions take place."), field="default_room_id"
        )


def _get(model, object_id: int, *, lock: bool = False):
    obj = db.session.get(model, object_id, with_for_update=lock, populate_existing=lock)
    if obj is None:
        raise SchedulingError(_("This record no longer exists."))
    return obj
