"""Trainers' leave: a trainer asks, withdraws while pending; an admin
approves or rejects, once.

Approved leave makes the timetable refuse the trainer then (see
`app.staff.queries.leave.away_between`, connected to
`signals.trainers_away` in `app.staff.init_app`).
"""

from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit, signals
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.i18n import gym_today, gym_zone, local_date
from app.core.models import utc_now
from app.core.permissions import ADMIN, ensure, require_role
from app.core.roles import Role
from app.core.urls import app_path
from app.extensions import db
from app.staff.models import COMMENT_MAX, REASON_MAX, Leave, LeaveKind, LeaveStatus, leave_span
from app.trainers.models import Trainer

#: nobody plans leave further ahead than this
MAX_DAYS_AHEAD = 2 * 365
MAX_LENGTH_DAYS = 366
LEAVE_FIELDS = ["kind", "first_day", "last_day", "start_time", "end_time", "reason", "status"]


class LeaveError(DomainError):
    """A leave rule said no; the message is shown on the form."""


def check_leave(
    trainer_id: int,
    kind,
    first_day: date | None,
    last_day: date | None,
    start_time: time | None,
    end_time: time | None,
) -> tuple:
    """Check a request's values; return its UTC (starts_at, ends_at).

    Raises LeaveError on the field at fault: an unknown kind, missing or past
    days, the end before the start, times given half, a request too long or
    too far ahead, or an overlap with the trainer's other pending or approved
    leave. Writes nothing.
    """
    if not isinstance(kind, LeaveKind):
        raise LeaveError(_("Choose the kind of leave."), field="kind")
    if first_day is None:
        raise LeaveError(_("Enter the first day."), field="first_day")
    if last_day is None:
        raise LeaveError(_("Enter the last day."), field="last_day")
    today = gym_today()
    if first_day < today:
        raise LeaveError(_("Choose a first day from today on."), field="first_day")
    if (first_day - today).days > MAX_DAYS_AHEAD:
        raise LeaveError(_("Choose a first day within two years."), field="first_day")
    if last_day < first_day:
        raise LeaveError(_("The last day cannot be before the first."), field="last_day")
    if (last_day - first_day).days >= MAX_LENGTH_DAYS:
        raise LeaveError(_("Ask for at most a year at a time."), field="last_day")
    if (start_time is None) != (end_time is None):
        missing = "start_time" if start_time is None else "end_time"
        raise LeaveError(_("Give both times, or neither for whole days."), field=missing)
    if start_time is not None and first_day == last_day and end_time <= start_time:
        raise LeaveError(_("The end time must be after the start time."), field="end_time")
    starts_at, ends_at = leave_span(first_day, last_day, start_time, end_time, gym_zone())
    if ends_at <= utc_now():
        raise LeaveError(_("Choose a time that has not passed."), field="start_time")
    clash = db.session.scalar(
        select(Leave)
        .where(
            Leave.trainer_id == trainer_id,
            Leave.status.in_((LeaveStatus.PENDING, LeaveStatus.APPROVED)),
            Leave.starts_at < ends_at,
            Leave.ends_at > starts_at,
        )
        .limit(1)
    )
    if clash is not None:
        raise LeaveError(
            _(
                "You already asked for leave from %(first)s to %(last)s (%(status)s).",
                first=local_date(clash.first_day),
                last=local_date(clash.last_day),
                status=clash.status_label.lower(),
            ),
            field="first_day",
        )
    return starts_at, ends_at


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise LeaveError(_("Use at most %(max)d characters.", max=REASON_MAX), field="reason")
    return reason


def request_leave(trainer_id: int, values: dict, *, actor) -> Leave:
    """Record a trainer's request for leave (pending until an admin decides).

    `values`: kind (LeaveKind), first_day, last_day, start_time, end_time
    (gym-local; both or neither), reason. The trainer's row is locked so two
    requests at once cannot both pass the overlap check.

    Raises AccessDenied unless `actor` is that trainer or an admin;
    LeaveError on bad values (see `check_leave`). Queues nothing.
    """
    with transaction():
        trainer = db.session.get(
            Trainer, trainer_id, with_for_update={"key_share": True}, populate_existing=True
        )
        ensure(trainer is not None)
        if actor.role is not Role.ADMIN:
            ensure(trainer.user_id == actor.id)
        reason = _reason(values.get("reason"))
        starts_at, ends_at = check_leave(
            trainer.id,
            values.get("kind"),
            values.get("first_day"),
            values.get("last_day"),
            values.get("start_time"),
            values.get("end_time"),
        )
        leave = Leave(
            trainer_id=trainer.id,
            kind=values["kind"],
            first_day=values["first_day"],
            last_day=values["last_day"],
            start_time=values.get("start_time"),
            end_time=values.get("end_time"),
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            status=LeaveStatus.PENDING,
            requested_by_id=actor.id,
        )
        db.session.add(leave)
        db.session.flush()
        audit.record(
            "leave.requested", leave, actor=actor, after=audit.changes(leave, LEAVE_FIELDS)
        )
    return leave


def withdraw_leave(leave_id: int, *, actor) -> bool:
    """The trainer takes back a request still pending; True when it changed.

    Withdrawing twice changes nothing the second time. Raises NotYours (404)
    for another trainer's request; LeaveError once it was decided.
    """
    with transaction():
        leave = db.session.get(Leave, leave_id, with_for_update=True, populate_existing=True)
        ensure(leave is not None and leave.trainer.user_id == actor.id)
        if leave.status is LeaveStatus.WITHDRAWN:
            return False
        if leave.status is not LeaveStatus.PENDING:
            raise LeaveError(_("This request was already decided; ask an admin to change it."))
        leave.status = LeaveStatus.WITHDRAWN
        audit.record("leave.withdrawn", leave, actor=actor, after={"status": "withdrawn"})
    return True


def decide_leave(leave_id: int, approve: bool, comment: str, *, actor) -> bool:
    """Approve or reject a pending request with an optional comment; True
    when this call decided it.

    The row is locked, so of two admins deciding at once one decides and the
    other changes nothing; a request already decided (or withdrawn) is left
    as it is. Raises AccessDenied unless `actor` is an admin; NotYours for an
    unknown id; LeaveError for a comment too long. Tells the trainer
    (`leave_decided`, emailed after commit).
    """
    require_role(actor, *ADMIN)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise LeaveError(_("Use at most %(max)d characters.", max=COMMENT_MAX), field="comment")
    with transaction():
        leave = db.session.get(Leave, leave_id, with_for_update=True, populate_existing=True)
        ensure(leave is not None)
        if leave.status is not LeaveStatus.PENDING:
            return False
        leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
        leave.decided_at, leave.decided_by_id = utc_now(), actor.id
        leave.decision_comment = comment
        audit.record(
            "leave.approved" if approve else "leave.rejected",
            leave,
            actor=actor,
            after={"status": leave.status.value, "comment": comment},
        )
        signals.tell(
            leave.trainer.user_id,
            "leave_decided",
            link=app_path("staff_trainer.leave"),
            key=f"leave-decided-{leave.id}",
            approved=approve,
            kind=leave.kind.value,
            first_day=leave.first_day.isoformat(),
            last_day=leave.last_day.isoformat(),
            comment=comment,
            decided_by=actor.name,
        )
    return True
