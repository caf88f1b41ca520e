"""Read-side queries for programs pages: each runs a fixed number of
statements whatever the number of rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role, User
from app.core.inputs import page_number
from app.core.search import contains
from app.extensions import db
from app.programs.models import (
    DietChart,
    Exercise,
    MuscleGroup,
    Program,
    ProgramDay,
    ProgramLine,
    ProgramStatus,
    SetLog,
)
from app.trainers import queries as trainers

PER_PAGE = 20
#: how far back progress charts look
PROGRESS_WEEKS = 26
RECENT_LOGS = 20


# -- who is whose client -----------------------------------------------------


def is_client(trainer_id: int, member_id: int) -> bool:
    """Whether member `member_id` (a user id) is trainer `trainer_id`'s client;
    the trainers domain says who is (`app.trainers.queries.client_ids`)."""
    return trainers.is_client(trainer_id, member_id)


def client_choices(trainer_id: int) -> list[tuple[int, str]]:
    """(member id, name) of the trainer's clients, by name, for a select."""
    rows = db.session.execute(
        select(User.id, User.name)
        .where(User.id.in_(trainers.client_ids(trainer_id)), User.deleted_at.is_(None))
        .order_by(func.lower(User.name), User.id)
    )
    return [(member_id, name) for member_id, name in rows]


def active_program_names(member_ids) -> dict[int, str]:
    """{member id: name of their active program}, in one query."""
    member_ids = list(member_ids)
    if not member_ids:
        return {}
    rows = db.session.execute(
        select(Program.member_id, Program.name).where(
            Program.member_id.in_(member_ids), Program.status == ProgramStatus.ACTIVE
        )
    )
    return {member_id: name for member_id, name in rows}


# -- the exercise library ----------------------------------------------------


def search_exercises(q: str = "", muscle_group: str = "", page: int = 1):
    """One page of the library, by English name; two queries (count, rows)."""
    query = select(Exercise)
    if q:
        needle = q.strip().lower()
        query = query.where(
            or_(
                contains(func.lower(Exercise.name_en), needle),
                contains(func.lower(Exercise.name_es), needle),
            )
        )
    if muscle_group in {g.value for g in MuscleGroup}:
        query = query.where(Exercise.muscle_group == MuscleGroup(muscle_group))
    query = query.order_by(func.lower(Exercise.name_en), Exercise.id)
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def exercise_choices() -> list[tuple[int, str]]:
    """(id, name in the reader's language) of every exercise, by that name."""
    exercises = db.session.scalars(select(Exercise)).all()
    return sorted(((e.id, e.name) for e in exercises), key=lambda pair: pair[1].casefold())


# -- programs ------------------------------------------------------------------


def trainer_programs(trainer_id: int | None, *, templates: bool, page: int = 1):
    """One page of a trainer's templates or assigned programs (all trainers'
    for `trainer_id` None, an admin), newest first; active before ended.
    Two queries (count, rows with trainer and member joined)."""
    query = select(Program).options(joinedload(Program.member))
    if trainer_id is not None:
        query = query.where(Program.trainer_id == trainer_id)
    if templates:
        query = query.where(Program.status == ProgramStatus.TEMPLATE).order_by(
            Program.updated_at.desc(), Program.id.desc()
        )
    else:
        query = query.where(Program.status != ProgramStatus.TEMPLATE).order_by(
            case((Program.status == ProgramStatus.ACTIVE, 0), else_=1),
            Program.created_at.desc(),
            Program.id.desc(),
        )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def program_with_lines(program_id: int) -> Program | None:
    """The program with its days and lines (and their exercises) loaded."""
    return db.session.scalar(
        select(Program)
        .where(Program.id == program_id)
        .options(selectinload(Program.days).selectinload(ProgramDay.lines))
        .execution_options(populate_existing=True)
    )


def active_program(member_id: int) -> Program | None:
    """The member's active program, days and lines loaded, or None."""
    program_id = db.session.scalar(
        select(Program.id).where(
            Program.member_id == member_id, Program.status == ProgramStatus.ACTIVE
        )
    )
    return None if program_id is None else program_with_lines(program_id)


def program_week(program: Program, today: date) -> tuple[int, date]:
    """(week number from 1, its first day) that `today` falls in."""
    index = max(0, (today - program.starts_on).days // 7)
    return index + 1, program.starts_on + timedelta(days=7 * index)


def todays_day(program: Program, today: date) -> tuple[ProgramDay | None, set[int]]:
    """The day to train today, and the ids of days already done this week.

    Days are done in order, one a visit, within each program week (7 days
    from the start date): today's workout is the day logged today, else the
    first day of the plan not yet logged this week. None when the program
    has not started or every day of the week is done.
    """
    days = [day for day in program.days if day.lines]
    if not days or today < program.starts_on:
        return None, set()
    _number, week_start = program_week(program, today)
    rows = db.session.execute(
        select(ProgramLine.day_id, SetLog.performed_on)
        .join(SetLog, SetLog.line_id == ProgramLine.id)
        .where(
            SetLog.program_id == program.id,
            SetLog.performed_on >= week_start,
            SetLog.performed_on <= today,
        )
        .distinct()
    ).all()
    done = {day_id for day_id, _on in rows}
    for day_id, performed_on in rows:
        if performed_on == today:
            return next((d for d in days if d.id == day_id), None), done
    return next((d for d in days if d.id not in done), None), done


def logs_on(program_id: int, day: date) -> dict[int, list[SetLog]]:
    """{line id: the sets logged for it on `day`, in order}."""
    logged = defaultdict(list)
    for entry in db.session.scalars(
        select(SetLog)
        .where(SetLog.program_id == program_id, SetLog.performed_on == day)
        .order_by(SetLog.line_id, SetLog.set_number)
    ):
        logged[entry.line_id].append(entry)
    return logged


# -- progress and adherence ----------------------------------------------------


def estimated_1rm_g(weight_g: int | None, reps: int) -> int | None:
    """Epley's estimate, weight × (1 + reps / 30), in grams; None without weight."""
    if not weight_g:
        return None
    return round(weight_g * (1 + reps / 30))


@dataclass
class ExerciseProgress:
    exercise: Exercise
    sets: int = 0
    best_weight_g: int | None = None
    best_1rm_g: int | None = None
    #: [(day, best estimated 1RM that day in kg)]
    sessions: list = field(default_factory=list)
    #: [(week's Monday, volume in kg: sets × reps × kg)]
    weeks: list = field(default_factory=list)

    @property
    def chart_data(self) -> dict:
        """What the progress chart draws (static/js/programs_chart.js)."""
        return {
            "id": self.exercise.id,
            "days": [day.isoformat() for day, _value in self.sessions],
            "e1rm": [value for _day, value in self.sessions],
            "weeks": [week.isoformat() for week, _value in self.weeks],
            "volume": [value for _week, value in self.weeks],
        }


def exercise_progress(member_id: int, today: date) -> list[ExerciseProgress]:
    """Per exercise the member logged in the last PROGRESS_WEEKS weeks: best
    weight, best estimated 1RM, the 1RM by day and the volume by week. Timed
    sets count towards the set total only. One query."""
    since = today - timedelta(weeks=PROGRESS_WEEKS)
    logs = db.session.scalars(
        select(SetLog)
        .where(SetLog.member_id == member_id, SetLog.performed_on >= since)
        .order_by(SetLog.performed_on, SetLog.id)
    ).all()
    progress: dict[int, ExerciseProgress] = {}
    by_day: dict[int, dict] = defaultdict(dict)
    by_week: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for entry in logs:
        item = progress.setdefault(entry.exercise_id, ExerciseProgress(entry.exercise))
        item.sets += 1
        if entry.prescribed_seconds is not None or not entry.weight_g:
            continue
        one_rm = estimated_1rm_g(entry.weight_g, entry.reps)
        item.best_weight_g = max(item.best_weight_g or 0, entry.weight_g)
        item.best_1rm_g = max(item.best_1rm_g or 0, one_rm)
        day = by_day[entry.exercise_id]
        day[entry.performed_on] = max(day.get(entry.performed_on, 0), one_rm)
        monday = entry.performed_on - timedelta(days=entry.performed_on.weekday())
        by_week[entry.exercise_id][monday] += entry.reps * entry.weight_g
    for exercise_id, item in progress.items():
        item.sessions = [(d, round(g / 1000, 1)) for d, g in sorted(by_day[exercise_id].items())]
        item.weeks = [(w, round(g / 1000)) for w, g in sorted(by_week[exercise_id].items())]
    return sorted(progress.values(), key=lambda p: p.exercise.name.casefold())


@dataclass(frozen=True)
class WeekAdherence:
    number: int
    starts_on: date
    planned: int
    logged: int

    @property
    def percent(self) -> int:
        return round(100 * min(self.logged, self.planned) / self.planned) if self.planned else 0


def adherence(program: Program, today: date, workout_days: int) -> list[WeekAdherence]:
    """Logged against planned workouts for each program week up to this one
    (a workout: a day with at least one set logged). One query."""
    if program.starts_on is None or today < program.starts_on:
        return []
    current, _start = program_week(program, today)
    last = min(current, program.weeks)
    counts = defaultdict(int)
    for (performed_on,) in db.session.execute(
        select(SetLog.performed_on).where(SetLog.program_id == program.id).distinct()
    ):
        counts[(performed_on - program.starts_on).days // 7 + 1] += 1
    return [
        WeekAdherence(n, program.starts_on + timedelta(days=7 * (n - 1)), workout_days, counts[n])
        for n in range(1, last + 1)
    ]


@dataclass
class ClientOverview:
    member: User
    programs: list
    active: Program | None
    adherence: list
    recent_logs: list
    progress: list


def client_programs_overview(trainer_id: int | None, member_id: int, today: date):
    """What the client section shows: the member's programs by this trainer
    (every trainer's for `trainer_id` None, an admin), active first; the
    latest sets logged; per-exercise progress; the active program's weekly
    adherence. Six queries whatever the numbers; None for no such member."""
    member = db.session.get(User, member_id)
    if member is None or member.role is not Role.MEMBER:
        return None
    query = select(Program).where(Program.member_id == member_id)
    if trainer_id is not None:
        query = query.where(Program.trainer_id == trainer_id)
    programs = db.session.scalars(
        query.order_by(
            case((Program.status == ProgramStatus.ACTIVE, 0), else_=1), Program.created_at.desc()
        )
    ).all()
    active = next((p for p in programs if p.status is ProgramStatus.ACTIVE), None)
    weekly = []
    if active is not None:
        workout_days = db.session.scalar(
            select(func.count(func.distinct(ProgramDay.id)))
            .join(ProgramLine, ProgramLine.day_id == ProgramDay.id)
            .where(ProgramDay.program_id == active.id)
        )
        weekly = adherence(active, today, workout_days)
    program_ids = [p.id for p in programs]
    recent = []
    if program_ids:
        recent = db.session.scalars(
            select(SetLog)
            .where(SetLog.program_id.in_(program_ids))
            .order_by(SetLog.performed_on.desc(), SetLog.id.desc())
            .limit(RECENT_LOGS)
        ).all()
    progress = (
        [p for p in exercise_progress(member_id, today) if p.best_1rm_g is not None]
        if program_ids
        else []
    )
    return ClientOverview(member, programs, active, weekly, recent, progress)


def workout_day_count(program: Program) -> int:
    return sum(1 for day in program.days if day.lines)


# -- diet charts -------------------------------------------------------------


def current_diet_chart(member_id: int) -> DietChart | None:
    """The member's current chart with its meals, or None."""
    return db.session.scalar(
        select(DietChart)
        .where(DietChart.member_id == member_id, DietChart.ended_at.is_(None))
        .options(selectinload(DietChart.meals))
        .order_by(DietChart.id.desc())
        .limit(1)
    )
