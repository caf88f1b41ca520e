"""Trainers build programs and diet charts for their clients
(`programs_trainer`, /trainer/programs); admins see and manage them all.

Another trainer's program, day, line, chart, meal or client is a 404; the
front desk and members get 403. Thin: load (404), check (403), validate,
call one service, render.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import page_arg
from app.core.limits import upload_limit
from app.core.permissions import TRAINERS, ensure, get_or_404, roles_required
from app.programs import queries
from app.programs.forms import (
    AssignForm,
    DayForm,
    DietChartForm,
    ExerciseFilterForm,
    ExerciseForm,
    LineForm,
    MealForm,
    ProgramForm,
)
from app.programs.models import DietChart, DietMeal, Exercise, ProgramDay, ProgramLine
from app.programs.services import diet, exercises, programs
from app.trainers.queries import trainer_for_user

bp = Blueprint("programs_trainer", __name__, url_prefix="/trainer/programs")

TRAINER_ONLY = (Role.TRAINER,)


def _scope() -> int | None:
    """The signed-in trainer's id (0, matching nothing, before their profile
    exists); None for an admin, who sees every trainer's."""
    if current_user.role is Role.ADMIN:
        return None
    trainer = trainer_for_user(current_user.id)
    return trainer.id if trainer is not None else 0


def _mine(trainer_id: int) -> None:
    """404 unless the record is the signed-in trainer's (admins pass)."""
    scope = _scope()
    ensure(scope is None or scope == trainer_id)


def _program(program_id: int):
    program = queries.program_with_lines(program_id)
    ensure(program is not None)
    _mine(program.trainer_id)
    return program


def _client(member_id: int) -> int | None:
    """The trainer's id after checking the member is their client (404 else)."""
    scope = _scope()
    ensure(scope is None or queries.is_client(scope, member_id))
    return scope


# -- programs ------------------------------------------------------------------


@bp.get("/", endpoint="index")
@roles_required(*TRAINERS)
def index():
    show = "assigned" if request.args.get("show") == "assigned" else "templates"
    pagination = queries.trainer_programs(_scope(), templates=show == "templates", page=page_arg())
    return render_template("programs/trainer/index.html", pagination=pagination, show=show)


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@roles_required(*TRAINER_ONLY)
def new():
    form = ProgramForm()
    if form.validate_on_submit():
        try:
            program = programs.create_program(
                name=form.name.data, goal=form.goal.data, weeks=form.weeks.data, actor=current_user
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Program created. Now add its days."), "success")
            return redirect(url_for("programs_trainer.show", program_id=program.id))
    return render_template("programs/trainer/new.html", form=form)


def _show_page(program, *, form=None, day_form=None, status=200):
    return (
        render_template(
            "programs/trainer/show.html",
            program=program,
            form=form or ProgramForm(formdata=None, obj=program),
            day_form=day_form or DayForm(formdata=None, prefix="day"),
            workout_days=queries.workout_day_count(program),
        ),
        status,
    )


@bp.get("/<int:program_id>", endpoint="show")
@roles_required(*TRAINERS)
def show(program_id: int):
    return _show_page(_program(program_id))


@bp.post("/<int:program_id>/details", endpoint="details")
@roles_required(*TRAINERS)
def details(program_id: int):
    program = _program(program_id)
    form = ProgramForm()
    if form.validate_on_submit():
        try:
            programs.update_program(
                program.id,
                name=form.name.data,
                goal=form.goal.data,
                weeks=form.weeks.data,
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Program saved."), "success")
            return redirect(url_for("programs_trainer.show", program_id=program.id))
    return _show_page(program, form=form, status=422)


@bp.post("/<int:program_id>/days", endpoint="add_day")
@roles_required(*TRAINERS)
def add_day(program_id: int):
    program = _program(program_id)
    form = DayForm(prefix="day")
    if form.validate_on_submit():
        try:
            programs.add_day(program.id, name=form.name.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Day added."), "success")
            return redirect(url_for("programs_trainer.show", program_id=program.id))
    return _show_page(program, day_form=form, status=422)


@bp.post("/days/<int:day_id>/delete", endpoint="remove_day")
@roles_required(*TRAINERS)
def remove_day(day_id: int):
    day = get_or_404(ProgramDay, day_id)
    _mine(day.program.trainer_id)
    programs.remove_day(day.id, actor=current_user)
    flash(_("Day removed."), "success")
    return redirect(url_for("programs_trainer.show", program_id=day.program_id))


def _line_form(obj=None) -> LineForm:
    if obj is None:
        form = LineForm()
    else:
        reps = (
            f"{obj.seconds}s"
            if obj.seconds
            else (f"{obj.reps_min}-{obj.reps_max}" if obj.reps_max else str(obj.reps_min))
        )
        weight = "" if obj.weight_g is None else f"{obj.weight_g / 1000:g}"
        form = LineForm(
            data={
                "exercise_id": obj.exercise_id,
                "sets": str(obj.sets),
                "reps": reps,
                "weight": weight,
                "rest_seconds": str(obj.rest_seconds),
                "superset": obj.superset,
                "note": obj.note,
            }
        )
    form.exercise_id.set_options(queries.exercise_choices())
    return form


def _line_values(form: LineForm) -> dict:
    return {
        "exercise_id": form.exercise_id.data,
        "sets": form.sets.data,
        "reps": form.reps.data,
        "weight": form.weight.data,
        "rest_seconds": form.rest_seconds.data,
        "superset": form.superset.data,
        "note": form.note.data,
    }


@bp.route("/days/<int:day_id>/lines/new", methods=["GET", "POST"], endpoint="add_line")
@roles_required(*TRAINERS)
def add_line(day_id: int):
    day = get_or_404(ProgramDay, day_id)
    _mine(day.program.trainer_id)
    form = _line_form()
    if form.validate_on_submit():
        try:
            programs.add_line(day.id, **_line_values(form), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Exercise added."), "success")
            return redirect(
                url_for("programs_trainer.show", program_id=day.program_id) + f"#day-{day.id}"
            )
    status = 422 if request.method == "POST" else 200
    return render_template("programs/trainer/line.html", form=form, day=day, line=None), status


@bp.route("/lines/<int:line_id>/edit", methods=["GET", "POST"], endpoint="edit_line")
@roles_required(*TRAINERS)
def edit_line(line_id: int):
    line = get_or_404(ProgramLine, line_id)
    _mine(line.day.program.trainer_id)
    form = _line_form() if request.method == "POST" else _line_form(line)
    if form.validate_on_submit():
        try:
            programs.update_line(line.id, **_line_values(form), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Exercise saved."), "success")
            return redirect(
                url_for("programs_trainer.show", program_id=line.day.program_id)
                + f"#day-{line.day_id}"
            )
    status = 422 if request.method == "POST" else 200
    return render_template("programs/trainer/line.html", form=form, day=line.day, line=line), status


@bp.post("/lines/<int:line_id>/delete", endpoint="remove_line")
@roles_required(*TRAINERS)
def remove_line(line_id: int):
    line = get_or_404(ProgramLine, line_id)
    program_id, day_id = line.day.program_id, line.day_id
    _mine(line.day.program.trainer_id)
    programs.remove_line(line.id, actor=current_user)
    flash(_("Exercise removed."), "success")
    return redirect(url_for("programs_trainer.show", program_id=program_id) + f"#day-{day_id}")


@bp.post("/lines/<int:line_id>/move", endpoint="move_line")
@roles_required(*TRAINERS)
def move_line(line_id: int):
    line = get_or_404(ProgramLine, line_id)
    _mine(line.day.program.trainer_id)
    programs.move_line(line.id, up=request.form.get("direction") != "down", actor=current_user)
    return redirect(
        url_for("programs_trainer.show", program_id=line.day.program_id) + f"#line-{line.id}"
    )


@bp.route("/<int:program_id>/assign", methods=["GET", "POST"], endpoint="assign")
@roles_required(*TRAINERS)
def assign(program_id: int):
    program = _program(program_id)
    form = AssignForm()
    if request.method == "GET":
        form = AssignForm(formdata=None, data={"starts_on": gym_today()})
    form.member_id.set_options(queries.client_choices(program.trainer_id))
    if form.validate_on_submit():
        try:
            copy = programs.assign_program(
                program.id,
                member_id=form.member_id.data,
                starts_on=form.starts_on.data,
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Program assigned. The client was told by email."), "success")
            return redirect(url_for("programs_trainer.client", client_id=copy.member_id))
    status = 422 if request.method == "POST" else 200
    return render_template("programs/trainer/assign.html", form=form, program=program), status


@bp.post("/<int:program_id>/end", endpoint="end")
@roles_required(*TRAINERS)
def end(program_id: int):
    program = _program(program_id)
    programs.end_program(program.id, actor=current_user)
    flash(_("Program ended."), "success")
    return redirect(url_for("programs_trainer.show", program_id=program.id))


# -- a client's programs and diet chart ----------------------------------------


@bp.get("/clients/<int:client_id>", endpoint="client")
@roles_required(*TRAINERS)
def client(client_id: int):
    """A client's programs, adherence, progress and latest sets (the section
    the trainer's client page embeds), and their diet chart's link."""
    scope = _client(client_id)
    overview = queries.client_programs_overview(scope, client_id, gym_today())
    ensure(overview is not None)
    return render_template(
        "programs/trainer/client.html",
        overview=overview,
        chart=queries.current_diet_chart(client_id),
    )


def _diet_values(form: DietChartForm) -> dict:
    return {
        "name": form.name.data,
        "kcal": form.kcal.data,
        "protein_g": form.protein_g.data,
        "carbs_g": form.carbs_g.data,
        "fat_g": form.fat_g.data,
        "notes": form.notes.data,
    }


def _diet_page(member_id, chart, *, form=None, meal_form=None, status=200):
    overview = queries.client_programs_overview(_scope(), member_id, gym_today())
    ensure(overview is not None)
    return (
        render_template(
            "programs/trainer/diet.html",
            member=overview.member,
            chart=chart,
            form=form or DietChartForm(formdata=None, obj=chart),
            meal_form=meal_form or MealForm(formdata=None, prefix="meal"),
        ),
        status,
    )


@bp.route("/clients/<int:client_id>/diet", methods=["GET", "POST"], endpoint="diet")
@roles_required(*TRAINERS)
def diet_chart(client_id: int):
    """The client's current chart to edit, or a new one to write. Posting
    with `new` writes a new chart (the old one ends; the member is emailed)."""
    member_id = client_id
    _client(member_id)
    chart = queries.current_diet_chart(member_id)
    if chart is not None:
        _mine(chart.trainer_id)
    if request.method == "GET":
        return _diet_page(member_id, chart)
    form = DietChartForm()
    if form.validate_on_submit():
        try:
            if chart is None or request.form.get("new"):
                diet.assign_diet_chart(member_id, **_diet_values(form), actor=current_user)
                flash(_("Diet chart saved. The client was told by email."), "success")
            else:
                diet.update_diet_chart(chart.id, **_diet_values(form), actor=current_user)
                flash(_("Diet chart saved."), "success")
        except DomainError as exc:
            apply_error(form, exc)
        else:
            return redirect(url_for("programs_trainer.diet", client_id=member_id))
    return _diet_page(member_id, chart, form=form, status=422)


@bp.post("/diet/<int:chart_id>/meals", endpoint="add_meal")
@roles_required(*TRAINERS)
def add_meal(chart_id: int):
    chart = get_or_404(DietChart, chart_id)
    _mine(chart.trainer_id)
    form = MealForm(prefix="meal")
    if form.validate_on_submit():
        try:
            diet.add_meal(
                chart.id,
                name=form.name.data,
                at=form.at.data,
                items=form.items.data,
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Meal added."), "success")
            return redirect(url_for("programs_trainer.diet", client_id=chart.member_id))
    return _diet_page(chart.member_id, chart, meal_form=form, status=422)


@bp.post("/diet/meals/<int:meal_id>/delete", endpoint="remove_meal")
@roles_required(*TRAINERS)
def remove_meal(meal_id: int):
    meal = get_or_404(DietMeal, meal_id)
    _mine(meal.chart.trainer_id)
    diet.remove_meal(meal.id, actor=current_user)
    flash(_("Meal removed."), "success")
    return redirect(url_for("programs_trainer.diet", client_id=meal.chart.member_id))


# -- the exercise library ------------------------------------------------------


@bp.get("/exercises", endpoint="exercises")
@roles_required(*TRAINERS)
def exercise_list():
    filters = ExerciseFilterForm(request.args)
    filters.validate()
    pagination = queries.search_exercises(
        q=filters.q.data or "",
        muscle_group="" if filters.muscle_group.errors else (filters.muscle_group.data or ""),
        page=page_arg(),
    )
    return render_template(
        "programs/trainer/exercises.html", pagination=pagination, filters=filters
    )


def _save_exercise(exercise, form: ExerciseForm):
    return exercises.save_exercise(
        exercise.id if exercise else None,
        name_en=form.name_en.data,
        name_es=form.name_es.data,
        muscle_group=form.muscle_group.data,
        equipment=form.equipment.data,
        instructions=form.instructions.data,
        image=form.image.data or None,
        remove_image=form.remove_image.data,
        actor=current_user,
    )


def _exercise_page(exercise=None):
    if request.method == "GET":
        form = ExerciseForm(formdata=None, obj=exercise)
        if exercise is not None:
            form.muscle_group.data = exercise.muscle_group.value
            form.equipment.data = exercise.equipment.value
        return render_template("programs/trainer/exercise.html", form=form, exercise=exercise)
    form = ExerciseForm()
    if form.validate_on_submit():
        try:
            _save_exercise(exercise, form)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Exercise saved."), "success")
            return redirect(url_for("programs_trainer.exercises"))
    return render_template("programs/trainer/exercise.html", form=form, exercise=exercise), 422


@bp.route("/exercises/new", methods=["GET", "POST"], endpoint="new_exercise")
@roles_required(*TRAINERS)
@upload_limit()
def new_exercise():
    return _exercise_page()


@bp.route("/exercises/<int:exercise_id>/edit", methods=["GET", "POST"], endpoint="edit_exercise")
@roles_required(*TRAINERS)
@upload_limit()
def edit_exercise(exercise_id: int):
    return _exercise_page(get_or_404(Exercise, exercise_id))
