"""The sets a member logs against their active program.

A logged set copies the prescription of its line (day, sets, reps, weight),
so a later edit of the program never changes what the member answered.
Members log only on their own active program; anyone else's line is a 404.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import audit
from app.core.db import transaction
from app.core.errors import NotYours
from app.core.i18n import gym_today
from app.core.permissions import MEMBERS, require_role
from app.extensions import db
from app.programs.models import Program, ProgramLine, ProgramStatus, SetLog
from app.programs.services import ProgramError
from app.programs.services.prescriptions import MAX_REPS, parse_weight, whole_number

#: sets of one line in one day beyond which a log is surely a mistake
MAX_SETS_A_DAY = 50


def log_set(line_id: int, *, reps, weight="", rpe=None, actor) -> SetLog:
    """Record a set the member just did for a line of today's workout.

    Raises AccessDenied unless `actor` is a member, NotYours for a line that
    is not on their active program (or has not started), ProgramError (with
    its field) for reps below 1, a negative or over-1,000-kg weight, or an
    RPE outside 1–10. Queues nothing.
    """
    require_role(actor, *MEMBERS)
    reps = whole_number(
        reps, "reps", 1, MAX_REPS, _("Enter the reps (or seconds) you did, at least 1.")
    )
    weight_g = parse_weight(weight)
    if rpe is not None and str(rpe).strip() != "":
        rpe = whole_number(rpe, "rpe", 1, 10, _("Rate the effort from 1 to 10."))
    else:
        rpe = None
    today = gym_today()
    with transaction():
        row = db.session.execute(
            select(ProgramLine, Program)
            .join(ProgramLine.day)
            .join(Program)
            .where(
                ProgramLine.id == line_id,
                Program.member_id == actor.id,
                Program.status == ProgramStatus.ACTIVE,
            )
            .with_for_update(of=Program)
        ).first()
        if row is None or row.Program.starts_on > today:
            raise NotYours()
        line, program = row
        done = db.session.scalar(
            select(func.count())
            .select_from(SetLog)
            .where(SetLog.line_id == line.id, SetLog.performed_on == today)
        )
        if done >= MAX_SETS_A_DAY:
            raise ProgramError(_("That is a lot of sets for one day. Check what you logged."))
        entry = SetLog(
            member_id=actor.id,
            program_id=program.id,
            line_id=line.id,
            exercise_id=line.exercise_id,
            performed_on=today,
            set_number=done + 1,
            reps=reps,
            weight_g=weight_g,
            rpe=rpe,
            day_name=line.day.name,
            prescribed_sets=line.sets,
            prescribed_reps_min=line.reps_min,
            prescribed_reps_max=line.reps_max,
            prescribed_seconds=line.seconds,
            prescribed_weight_g=line.weight_g,
        )
        db.session.add(entry)
        db.session.flush()
        audit.record(
            "program.set_logged",
            entry,
            actor=actor,
            after={"line_id": line.id, "reps": reps, "weight_g": weight_g, "rpe": rpe},
        )
    return entry


def remove_set(log_id: int, *, actor) -> int | None:
    """Take back a set the member logged today (a slip of the thumb); returns
    the line it answered (None once removed from the program).

    Raises AccessDenied unless `actor` is a member, NotYours for another
    member's set or one from an earlier day. Queues nothing.
    """
    require_role(actor, *MEMBERS)
    with transaction():
        entry = db.session.get(SetLog, log_id, with_for_update=True)
        if entry is None or entry.member_id != actor.id or entry.performed_on != gym_today():
            raise NotYours()
        later = db.session.scalars(
            select(SetLog).where(
                SetLog.line_id == entry.line_id,
                SetLog.performed_on == entry.performed_on,
                SetLog.set_number > entry.set_number,
            )
        ).all()
        for other in later:
            other.set_number -= 1
        audit.record(
            "program.set_removed",
            entry,
            actor=actor,
            before={"reps": entry.reps, "weight_g": entry.weight_g},
        )
        db.session.delete(entry)
    return entry.line_id
