"""Programs: templates a trainer writes, their days and lines, and copies
assigned to clients.

A trainer changes only their own programs; an admin any. Assigning copies the
program (days and lines) for the member, ends the member's active program and
tells the member (the `program_assigned` event), all in one transaction.
"""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import update

from app.accounts.models import Role, User
from app.core import audit, signals
from app.core.db import transaction
from app.core.errors import NotYours
from app.core.i18n import gym_today
from app.core.models import utc_now
from app.core.permissions import get_or_404, require_role
from app.extensions import db
from app.programs.models import (
    Exercise,
    Program,
    ProgramDay,
    ProgramLine,
    ProgramStatus,
)
from app.programs.services import ProgramError
from app.programs.services.access import check_client, check_owner
from app.programs.services.prescriptions import (
    parse_reps,
    parse_weight,
    text_value,
    whole_number,
)
from app.trainers.services import ensure_trainer_profile

MAX_WEEKS = 52
MAX_DAYS = 7
MAX_LINES = 30
MAX_SETS = 50
MAX_REST = 3600
#: how far ahead a program may start
MAX_START_AHEAD = timedelta(days=365)


def _program_values(name, goal, weeks) -> dict:
    return {
        "name": text_value(name, "name", 120, required=True),
        "goal": text_value(goal, "goal", 500),
        "weeks": whole_number(
            weeks, "weeks", 1, MAX_WEEKS, _("Enter between 1 and %(max)d weeks.", max=MAX_WEEKS)
        ),
    }


def _locked_program(program_id: int, actor) -> Program:
    program = db.session.get(Program, program_id, with_for_update=True, populate_existing=True)
    if program is None or program.status is ProgramStatus.ENDED:
        raise NotYours()
    check_owner(program.trainer_id, actor)
    return program


def create_program(*, name, goal="", weeks=4, actor) -> Program:
    """A new template of the acting trainer's, with no days yet.

    Raises AccessDenied unless `actor` is a trainer (their profile is made
    if missing), ProgramError for bad values. Queues nothing.
    """
    values = _program_values(name, goal, weeks)
    require_role(actor, Role.TRAINER)
    with transaction():
        # a trainer account made on the People pages has no profile yet
        trainer_id = ensure_trainer_profile(actor.id, actor=actor).id
        program = Program(trainer_id=trainer_id, status=ProgramStatus.TEMPLATE, **values)
        db.session.add(program)
        db.session.flush()
        audit.record("program.created", program, actor=actor, after={**values})
    return program


def update_program(program_id: int, *, name, goal="", weeks=4, actor) -> Program:
    """Rename a program, change its goal or length.

    Raises NotYours for another trainer's or an ended program, ProgramError
    for bad values. Queues nothing.
    """
    values = _program_values(name, goal, weeks)
    with transaction():
        program = _locked_program(program_id, actor)
        before = {key: getattr(program, key) for key in values}
        for key, value in values.items():
            setattr(program, key, value)
        audit.record("program.updated", program, actor=actor, before=before, after=values)
    return program


def add_day(program_id: int, *, name, actor) -> ProgramDay:
    """A new workout day at the end of the week's plan.

    Raises NotYours, or ProgramError for an empty name or an eighth day.
    """
    name = text_value(name, "name", 80, required=True)
    with transaction():
        program = _locked_program(program_id, actor)
        if len(program.days) >= MAX_DAYS:
            raise ProgramError(
                _("A week has at most %(max)d workout days.", max=MAX_DAYS), field="name"
            )
        day = ProgramDay(program=program, position=len(program.days) + 1, name=name)
        db.session.add(day)
        db.session.flush()
        audit.record("program.day_added", program, actor=actor, after={"day": name})
    return day


def _locked_day(day_id: int, actor) -> ProgramDay:
    day = get_or_404(ProgramDay, day_id)
    _locked_program(day.program_id, actor)
    return day


def rename_day(day_id: int, *, name, actor) -> ProgramDay:
    """Rename a day. Raises NotYours, or ProgramError for an empty name."""
    name = text_value(name, "name", 80, required=True)
    with transaction():
        day = _locked_day(day_id, actor)
        before, day.name = day.name, name
        audit.record(
            "program.day_renamed",
            day.program,
            actor=actor,
            before={"day": before},
            after={"day": name},
        )
    return day


def remove_day(day_id: int, *, actor) -> None:
    """Remove a day and its lines; the days after it move up. Logged sets
    keep their copy of the prescription. Raises NotYours."""
    with transaction():
        day = _locked_day(day_id, actor)
        program = day.program
        program.days.remove(day)
        for position, other in enumerate(program.days, start=1):
            other.position = position
        audit.record("program.day_removed", program, actor=actor, before={"day": day.name})


def _line_values(exercise_id, sets, reps, weight, rest_seconds, superset, note) -> dict:
    """The checked values of a line; raises ProgramError naming the field."""
    exercise_id = whole_number(
        exercise_id, "exercise_id", 1, 2**31 - 1, _("Choose an exercise from the library.")
    )
    if db.session.get(Exercise, exercise_id) is None:
        raise ProgramError(_("Choose an exercise from the library."), field="exercise_id")
    prescribed = parse_reps(reps)
    return {
        "exercise_id": exercise_id,
        "sets": whole_number(
            sets, "sets", 1, MAX_SETS, _("Enter between 1 and %(max)d sets.", max=MAX_SETS)
        ),
        "reps_min": prescribed.reps_min,
        "reps_max": prescribed.reps_max,
        "seconds": prescribed.seconds,
        "weight_g": parse_weight(weight),
        "rest_seconds": whole_number(
            rest_seconds if str(rest_seconds or "").strip() else 0,
            "rest_seconds",
            0,
            MAX_REST,
            _("Enter a rest between 0 and %(max)d seconds.", max=MAX_REST),
        ),
        "superset": text_value(superset, "superset", 4).upper(),
        "note": text_value(note, "note", 200),
    }


def _line_snapshot(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in (None, "")}


def add_line(
    day_id: int, *, exercise_id, sets, reps, weight="", rest_seconds=60, superset="", note="", actor
) -> ProgramLine:
    """An exercise at the end of a day.

    Raises NotYours for another trainer's day, ProgramError (with its field)
    for an unknown exercise, sets or reps below 1, a weight that is negative
    or over 1,000 kg, a negative rest, or a day already full. Queues nothing.
    """
    values = _line_values(exercise_id, sets, reps, weight, rest_seconds, superset, note)
    with transaction():
        day = _locked_day(day_id, actor)
        if len(day.lines) >= MAX_LINES:
            raise ProgramError(
                _("A day has at most %(max)d exercises.", max=MAX_LINES), field="exercise_id"
            )
        line = ProgramLine(day=day, position=len(day.lines) + 1, **values)
        db.session.add(line)
        db.session.flush()
        audit.record(
            "program.line_added",
            day.program,
            actor=actor,
            after={"day_id": day.id, **_line_snapshot(values)},
        )
    return line


def _locked_line(line_id: int, actor) -> ProgramLine:
    line = get_or_404(ProgramLine, line_id)
    _locked_program(line.day.program_id, actor)
    return line


def update_line(
    line_id: int,
    *,
    exercise_id,
    sets,
    reps,
    weight="",
    rest_seconds=60,
    superset="",
    note="",
    actor,
) -> ProgramLine:
    """Change a line; sets already logged keep the prescription they answered.

    Raises as `add_line` does. Queues nothing.
    """
    values = _line_values(exercise_id, sets, reps, weight, rest_seconds, superset, note)
    with transaction():
        line = _locked_line(line_id, actor)
        before = {key: getattr(line, key) for key in values}
        for key, value in values.items():
            setattr(line, key, value)
        audit.record(
            "program.line_updated",
            line.day.program,
            actor=actor,
            before=_line_snapshot(before),
            after=_line_snapshot(values),
        )
    return line


def remove_line(line_id: int, *, actor) -> None:
    """Remove a line; the lines after it move up. Raises NotYours."""
    with transaction():
        line = _locked_line(line_id, actor)
        day = line.day
        day.lines.remove(line)
        for position, other in enumerate(day.lines, start=1):
            other.position = position
        audit.record(
            "program.line_removed",
            day.program,
            actor=actor,
            before={"day_id": day.id, "exercise_id": line.exercise_id},
        )


def move_line(line_id: int, *, up: bool, actor) -> ProgramLine:
    """Swap a line with the one above (or below); at the edge nothing moves.

    Raises NotYours.
    """
    with transaction():
        line = _locked_line(line_id, actor)
        lines = line.day.lines
        index = lines.index(line)
        other = index - 1 if up else index + 1
        if 0 <= other < len(lines):
            lines[index].position, lines[other].position = lines[other].position, line.position
            audit.record(
                "program.line_moved",
                line.day.program,
                actor=actor,
                after={"line_id": line.id, "position": line.position},
            )
    return line


def _copy(program: Program, *, member_id: int, starts_on: date) -> Program:
    copy = Program(
        trainer_id=program.trainer_id,
        member_id=member_id,
        source_id=program.id if program.is_template else program.source_id,
        status=ProgramStatus.ACTIVE,
        name=program.name,
        goal=program.goal,
        weeks=program.weeks,
        starts_on=starts_on,
    )
    for day in program.days:
        new_day = ProgramDay(position=day.position, name=day.name)
        for line in day.lines:
            new_day.lines.append(
                ProgramLine(
                    position=line.position,
                    exercise_id=line.exercise_id,
                    sets=line.sets,
                    reps_min=line.reps_min,
                    reps_max=line.reps_max,
                    seconds=line.seconds,
                    weight_g=line.weight_g,
                    rest_seconds=line.rest_seconds,
                    superset=line.superset,
                    note=line.note,
                )
            )
        copy.days.append(new_day)
    return copy


def assign_program(program_id: int, *, member_id, starts_on, actor) -> Program:
    """Give a client their own copy of a program, starting `starts_on`.

    The member's active program (if any) ends: one active program each.
    Raises NotYours for another trainer's program or someone not the
    trainer's client, ProgramError for a program without workouts, a
    member who is not one, or a start in the past or over a year ahead.
    Tells the member (`program_assigned`, email) after commit.
    """
    if not isinstance(starts_on, date):
        raise ProgramError(_("Enter the start date."), field="starts_on")
    today = gym_today()
    if starts_on < today - timedelta(days=7) or starts_on > today + MAX_START_AHEAD:
        raise ProgramError(_("Start within the past week or the coming year."), field="starts_on")
    member_id = whole_number(member_id, "member_id", 1, 2**31 - 1, _("Choose a client."))
    with transaction():
        program = _locked_program(program_id, actor)
        if not any(day.lines for day in program.days):
            raise ProgramError(_("Add at least one exercise before assigning this program."))
        member = db.session.get(User, member_id, with_for_update=True)
        if member is None or member.role is not Role.MEMBER or member.is_deleted:
            raise ProgramError(_("Choose a client."), field="member_id")
        check_client(program.trainer_id, member_id, actor)
        now = utc_now()
        ended = (
            db.session.execute(
                update(Program)
                .where(Program.member_id == member_id, Program.status == ProgramStatus.ACTIVE)
                .values(status=ProgramStatus.ENDED, ended_at=now)
                .returning(Program.id)
            )
            .scalars()
            .all()
        )
        copy = _copy(program, member_id=member_id, starts_on=starts_on)
        db.session.add(copy)
        db.session.flush()
        audit.record(
            "program.assigned",
            copy,
            actor=actor,
            after={
                "member_id": member_id,
                "from_program_id": program.id,
                "starts_on": starts_on.isoformat(),
                "ended_program_ids": ended,
            },
        )
        signals.tell(
            member_id,
            "program_assigned",
            link="/app/program",
            key=f"program-assigned-{copy.id}",
            program_name=copy.name,
            trainer_name=program.trainer.name,
            starts_on=starts_on.isoformat(),
        )
    return copy


def end_program(program_id: int, *, actor) -> Program:
    """End a member's active program (a template cannot be ended).

    Raises NotYours for another trainer's or an already ended program.
    """
    with transaction():
        program = _locked_program(program_id, actor)
        if program.is_template:
            raise NotYours()
        program.status, program.ended_at = ProgramStatus.ENDED, utc_now()
        audit.record("program.ended", program, actor=actor)
    return program
