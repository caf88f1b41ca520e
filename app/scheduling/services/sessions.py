"""Single class sessions: one-offs, edits, reschedules and cancellations.

Reschedule and cancel are announced to other domains (see `spots.py`):
their receivers run inside the transaction (refunds, waitlists) and
everyone with a hold, booking or waitlist place is emailed after commit.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from app.core import audit, signals
from app.core.clock import local_date
from app.core.db import transaction
from app.core.errors import AccessDenied
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.permissions import ADMIN, TRAINERS, require_role
from app.core.roles import Role
from app.core.urls import app_path
from app.extensions import db
from app.scheduling import notices, spots
from app.scheduling.models import ClassSession, SessionStatus
from app.scheduling.rules import (
    SchedulingError,
    Slot,
    check_capacity,
    check_no_overlap,
    check_times,
    check_within_schedule,
    load_parties,
)
from app.settings.services import gym_settings

SESSION_FIELDS = [
    "class_type_id",
    "starts_at",
    "ends_at",
    "trainer_id",
    "room_id",
    "capacity",
    "status",
]
REASON_MAX = 500


def _fill_defaults(values: dict, class_type) -> dict:
    values = dict(values)
    values.setdefault("trainer_id", None)
    values.setdefault("room_id", None)
    values["trainer_id"] = values["trainer_id"] or class_type.default_trainer_id
    values["room_id"] = values["room_id"] or class_type.default_room_id
    if values.get("capacity") is None:
        values["capacity"] = class_type.default_capacity
    if values.get("starts_at") and not values.get("ends_at"):
        values["ends_at"] = values["starts_at"] + timedelta(minutes=class_type.duration_minutes)
    return values


def _plan(values: dict, *, editing: ClassSession | None = None):
    """Check `values` for a session and return (class_type, trainer, room, values)."""
    from app.scheduling.models import ClassType

    class_type = db.session.get(ClassType, values.get("class_type_id") or 0)
    if class_type is None:
        raise SchedulingError(_("Choose an active class type."), field="class_type_id")
    if values.get("starts_at") is None:
        raise SchedulingError(_("Enter the start."), field="starts_at")
    check_times(values["starts_at"], values.get("ends_at"))
    values = _fill_defaults(values, class_type)
    check_times(values["starts_at"], values["ends_at"])
    start_changed = editing is None or values["starts_at"] != editing.starts_at
    if start_changed and values["starts_at"] <= utc_now():
        raise SchedulingError(_("Choose a start in the future."), field="starts_at")
    if start_changed:
        check_within_schedule(values["starts_at"])
    class_type, trainer, room = load_parties(class_type.id, values["trainer_id"], values["room_id"])
    check_capacity(values["capacity"], room)
    slot = Slot(values["starts_at"], values["ends_at"], trainer, room, values["capacity"])
    check_no_overlap([slot], ignore_ids={editing.id} if editing else set())
    return class_type, trainer, room, values


def create_session(values: dict, *, actor) -> ClassSession:
    """Schedule a one-off session; trainer, room, size and end default from its type.

    Raises AccessDenied unless `actor` is an admin; SchedulingError for an
    inactive class type, trainer or room, a start that is missing or past,
    an end not after the start, a capacity below 1 or above the room's, or
    an overlap (naming the other session). Queues nothing.
    """
    require_role(actor, *ADMIN)
    with transaction():
        class_type, trainer, room, values = _plan(values)
        cs = ClassSession(
            class_type=class_type,
            trainer=trainer,
            room=room,
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            occurs_on=local_date(values["starts_at"], gym_zone()),
            capacity=values["capacity"],
            status=values.get("status") or SessionStatus.PUBLISHED,
            is_customised=True,
        )
        db.session.add(cs)
        db.session.flush()
        audit.record("session.created", cs, actor=actor, after=audit.changes(cs, SESSION_FIELDS))
    return cs


def _locked_session(session_id: int) -> ClassSession:
    cs = db.session.get(ClassSession, session_id, with_for_update=True, populate_existing=True)
    if cs is None:
        raise SchedulingError(_("This class is no longer on the schedule."))
    if cs.is_cancelled:
        raise SchedulingError(_("This class was cancelled and can no longer be changed."))
    return cs


def update_session(session_id: int, values: dict, *, actor) -> ClassSession:
    """Change one session's time, trainer, room, size or draft/published status.

    The session is then marked as changed by hand, so timetable edits leave it
    alone. A larger capacity is announced as "capacity_raised", new times as
    "rescheduled" (`session_changed`, inside the transaction; receivers may
    queue their own jobs).

    Raises AccessDenied unless `actor` is an admin, or the session's trainer
    changing only its times while `trainer_class_controls` is on;
    SchedulingError for a session that is gone, cancelled or over, values
    `create_session` would refuse, or a capacity below the spots taken. When
    the times change, queues the `session_rescheduled` email to everyone on
    the session; when the trainer or room changes, `session_changed`.
    """
    require_role(actor, *TRAINERS)
    return _update_session(session_id, values, actor=actor, check_actor=True)


def hand_over_session(session_id: int, trainer_id: int, *, actor) -> ClassSession:
    """Give a session to another trainer, keeping its time, room, size and
    bookings: cover for a trainer who is away.

    The caller (the staff domain's cover services) has checked that `actor`
    may: an admin planning cover, or a trainer taking a class offered to
    them. Raises SchedulingError as `update_session` does: the new trainer
    teaches another class then (named) or is away. Queues what
    `update_session` queues: the members' `session_changed` notice with the
    new trainer's name, and both trainers' notices.
    """
    with transaction():
        cs = _locked_session(session_id)
        values = {
            "starts_at": cs.starts_at,
            "ends_at": cs.ends_at,
            "trainer_id": trainer_id,
            "room_id": cs.room_id,
            "capacity": cs.capacity,
        }
        return _update_session(cs.id, values, actor=actor, check_actor=False)


def _update_session(session_id: int, values: dict, *, actor, check_actor: bool) -> ClassSession:
    with transaction():
        cs = _locked_session(session_id)
        if check_actor:
            require_may_change(actor, cs, values)
        if cs.ends_at <= utc_now():
            raise SchedulingError(_("This class is over and can no longer be changed."))
        before = audit.changes(cs, SESSION_FIELDS)
        class_type, trainer, room, values = _plan(
            dict(values, class_type_id=values.get("class_type_id") or cs.class_type_id),
            editing=cs,
        )
        taken = spots.spots_taken([cs.id])[cs.id]
        if values["capacity"] < taken:
            raise SchedulingError(
                ngettext(
                    "%(taken)d person is already in this class.",
                    "%(taken)d people are already in this class.",
                    taken,
                    taken=taken,
                ),
                field="capacity",
            )
        previous_start, grown = cs.starts_at, values["capacity"] > cs.capacity
        moved = (values["starts_at"], values["ends_at"]) != (cs.starts_at, cs.ends_at)
        old_trainer, old_room = cs.trainer, cs.room
        cs.class_type, cs.trainer, cs.room = class_type, trainer, room
        cs.starts_at, cs.ends_at, cs.capacity = (
            values["starts_at"],
            values["ends_at"],
            values["capacity"],
        )
        cs.occurs_on = local_date(cs.starts_at, gym_zone())
        cs.status = values.get("status") or cs.status
        cs.is_customised = True
        audit.record(
            "session.updated",
            cs,
            actor=actor,
            before=before,
            after=audit.changes(cs, SESSION_FIELDS),
        )
        if grown:
            spots.announce_change(cs, "capacity_raised")
        changes = {
            "rescheduled": moved,
            "trainer_changed": trainer.id != old_trainer.id,
            "room_changed": room.id != old_room.id,
        }
        for change, happened in changes.items():
            if happened:
                spots.announce_change(cs, change)
        if any(changes.values()):
            before = {
                "previous_starts_at": previous_start.isoformat(),
                "previous_trainer": old_trainer.name,
                "previous_room": old_room.name,
            }
            _tell_people(
                cs,
                "session_rescheduled" if moved else "session_changed",
                reason=values.get("reason") or "",
                **before,
            )
            notices.tell_trainers(cs, old_trainer, before, values.get("reason") or "")
    return cs


def reschedule_session(session_id: int, starts_at: datetime, reason: str, *, actor):
    """Move one session to a new start (same length) through `update_session`.

    Raises SchedulingError without a reason (or one too long), for a session
    that is gone, cancelled or over, a past start or an overlap;
    AccessDenied unless `actor` is an admin or (class controls on) its
    trainer. Queues what `update_session` queues: the `session_rescheduled`
    email to everyone on it when the start changed.
    """
    reason = _reason(reason)
    with transaction():
        cs = _locked_session(session_id)
        length = cs.ends_at - cs.starts_at
        values = {
            "starts_at": starts_at,
            "ends_at": starts_at + length,
            "reason": reason,
            "trainer_id": cs.trainer_id,
            "room_id": cs.room_id,
            "capacity": cs.capacity,
        }
        update_session(cs.id, values, actor=actor)  # runs the handlers, emails people
        audit.record(
            "session.rescheduled",
            cs,
            actor=actor,
            after={"starts_at": starts_at.isoformat(), "reason": reason},
        )
    return cs


def cancel_session(session_id: int, reason: str, *, actor) -> ClassSession:
    """Cancel one session with a reason, announced as "cancelled"
    (`session_changed`, inside the transaction: receivers refund and clear it).

    Raises AccessDenied unless `actor` is an admin or, while
    `trainer_class_controls` is on, the session's trainer; SchedulingError without
    a reason (or one too long), or for a session that is gone, already
    cancelled or over. Queues the `session_cancelled` email to everyone who
    was on it.
    """
    require_role(actor, *TRAINERS)
    reason = _reason(reason)
    with transaction():
        cs = _locked_session(session_id)
        require_may_change(actor, cs)
        if cs.ends_at <= utc_now():
            raise SchedulingError(_("This class is over and can no longer be changed."))
        people = spots.people_on(cs)  # before the handlers cancel their bookings
        places = spots.places_on(cs)
        cs.status, cs.cancelled_at, cs.cancel_reason = SessionStatus.CANCELLED, utc_now(), reason
        spots.announce_change(cs, "cancelled")
        audit.record("session.cancelled", cs, actor=actor, after={"reason": reason})
        _tell_people(cs, "session_cancelled", people=people, places=places, reason=reason)
        notices.tell_trainers(cs, cs.trainer, None, reason)
    return cs


#: what a trainer moving their own class may not change
_NOT_THE_TRAINERS = ("class_type_id", "trainer_id", "room_id", "capacity", "status")


def trainer_may_change(actor, cs: ClassSession) -> bool:
    """Whether `actor` is the trainer of `cs` and the gym lets trainers
    reschedule and cancel their own classes (`trainer_class_controls`)."""
    return (
        getattr(actor, "role", None) is Role.TRAINER
        and gym_settings().trainer_class_controls
        and cs.trainer.user_id == actor.id
    )


def require_may_change(actor, cs: ClassSession, values: dict | None = None) -> None:
    """Admins change any session; a trainer only the times of their own, while
    the gym allows it. Raises AccessDenied otherwise."""
    if getattr(actor, "role", None) in ADMIN:
        return
    if not trainer_may_change(actor, cs):
        raise AccessDenied()
    for name in _NOT_THE_TRAINERS if values else ():
        if values.get(name) is not None and values[name] != getattr(cs, name):
            raise AccessDenied()


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise SchedulingError(
            _("Give a reason; it is sent to the people in the class."), field="reason"
        )
    if len(reason) > REASON_MAX:
        raise SchedulingError(_("Use at most %(max)d characters.", max=REASON_MAX), field="reason")
    return reason


def _tell_people(cs: ClassSession, template: str, people=None, places=None, **details) -> None:
    """Tell everyone in the class, each with what happens to their place
    (delivered by job, after commit)."""
    context = {
        "class_name": cs.class_type.name,
        "starts_at": cs.starts_at.isoformat(),
        "ends_at": cs.ends_at.isoformat(),
        "room": cs.room.name,
        "trainer": cs.trainer.name,
        **details,
    }
    link = app_path("booking.my_bookings")
    places = spots.places_on(cs) if places is None else places
    for person in spots.people_on(cs) if people is None else people:
        signals.tell(person.id, template, link=link, **context, **places.get(person.id, {}))
