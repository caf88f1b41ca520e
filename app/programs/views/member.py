"""The member's own program (`programs_member`, /app/program): today's
workout to log set by set, progress per exercise and the diet chart.

A member only reads their program; logging on a line that is not on their
own active program is a 404. Thin: load (404), check (403), validate, call
one service, render.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import parse_id
from app.core.permissions import MEMBERS, ensure, get_or_404, roles_required
from app.programs import queries
from app.programs.forms import LogSetForm
from app.programs.models import ProgramLine, ProgramStatus
from app.programs.services import logs

bp = Blueprint("programs_member", __name__, url_prefix="/app/program")


def _workout(program, day, today, *, forms=None):
    logged = queries.logs_on(program.id, today) if program else {}
    return {"program": program, "day": day, "logged": logged, "forms": forms or {}, "today": today}


@bp.get("/", endpoint="index")
@roles_required(*MEMBERS)
def index():
    """Today's workout (or the day asked for with ?day=), read-only, with a
    form per exercise to log a set."""
    today = gym_today()
    program = queries.active_program(current_user.id)
    day, done = (None, set())
    if program is not None:
        day, done = queries.todays_day(program, today)
        asked = parse_id(request.args.get("day", ""))
        if asked is not None:
            day = next((d for d in program.days if d.id == asked and d.lines), day)
    week = queries.program_week(program, today) if program and program.starts_on <= today else None
    return render_template(
        "programs/member/index.html",
        **_workout(program, day, today),
        done=done,
        week=week,
        started=program is not None and program.starts_on <= today,
    )


def _line_or_404(line_id: int) -> ProgramLine:
    line = get_or_404(ProgramLine, line_id)
    program = line.day.program
    ensure(program.member_id == current_user.id and program.status is ProgramStatus.ACTIVE)
    return line


def _line_card(line, *, form=None):
    today = gym_today()
    if request.headers.get("HX-Request"):
        return (
            render_template(
                "programs/member/_line.html",
                line=line,
                logged=queries.logs_on(line.day.program_id, today),
                forms={line.id: form} if form else {},
                today=today,
                can_log=True,
            ),
            200,
        )
    return redirect(url_for("programs_member.index", day=line.day_id) + f"#line-{line.id}")


@bp.post("/lines/<int:line_id>/sets", endpoint="log_set")
@roles_required(*MEMBERS)
def log_set(line_id: int):
    line = _line_or_404(line_id)
    form = LogSetForm()
    if form.validate_on_submit():
        try:
            logs.log_set(
                line.id,
                reps=form.reps.data,
                weight=form.weight.data,
                rpe=form.rpe.data,
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            if not request.headers.get("HX-Request"):
                flash(_("Set logged."), "success")
            return _line_card(line)
    if not request.headers.get("HX-Request"):
        for field in (form.reps, form.weight, form.rpe):
            for message in field.errors:
                flash(message, "danger")
        for message in form.form_errors:
            flash(message, "danger")
    # htmx swaps only 2xx answers: the card carries the field errors
    return _line_card(line, form=form)


@bp.post("/sets/<int:log_id>/delete", endpoint="remove_set")
@roles_required(*MEMBERS)
def remove_set(log_id: int):
    line_id = logs.remove_set(log_id, actor=current_user)
    if line_id is None:
        return redirect(url_for("programs_member.index"))
    return _line_card(_line_or_404(line_id))


@bp.get("/progress", endpoint="progress")
@roles_required(*MEMBERS)
def progress():
    items = queries.exercise_progress(current_user.id, gym_today())
    chosen = parse_id(request.args.get("exercise", ""))
    selected = next((p for p in items if p.exercise.id == chosen), None)
    if selected is None:
        selected = next((p for p in items if p.best_1rm_g), items[0] if items else None)
    return render_template("programs/member/progress.html", items=items, selected=selected)


@bp.get("/diet", endpoint="diet")
@roles_required(*MEMBERS)
def diet():
    return render_template(
        "programs/member/diet.html",
        chart=queries.current_diet_chart(current_user.id),
        # the member's allergies once the back office keeps health flags
        allergies=None,
    )
