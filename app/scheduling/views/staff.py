"""Back-office scheduling pages (`/admin`): rooms, class types, the timetable,
single sessions and the week calendar, all routes of the `scheduling_admin`
blueprint.

Admins do everything here; front desk may open the calendar, the session
list and a session's page, read-only. The calendar runs a fixed number of
statements whatever the number of sessions: the week's sessions (joined),
one per spot counter, and the filter menus.
"""

import re
from datetime import date, timedelta

from babel.dates import get_day_names
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.core.clock import week_start
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import page_arg
from app.core.models import utc_now
from app.core.permissions import ADMIN, DESK, get_or_404, roles_required
from app.scheduling import queries
from app.scheduling.colours import class_colours
from app.scheduling.forms.catalogue import (
    DIFFICULTY_LABELS,
    ClassTypeForm,
    RoomForm,
    TimetableEntryForm,
)
from app.scheduling.forms.sessions import (
    STATE_LABELS,
    STATUS_LABELS,
    CalendarFilterForm,
    CancelForm,
    RescheduleForm,
    SessionEditForm,
    SessionFilterForm,
    SessionForm,
    parse_week,
)
from app.scheduling.models import ClassSession, ClassType, Room, TimetableEntry
from app.scheduling.queries import SessionFilters, week_days, with_spots
from app.scheduling.services.catalogue import save_class_type, save_room
from app.scheduling.services.sessions import (
    cancel_session,
    create_session,
    reschedule_session,
    update_session,
)
from app.scheduling.services.timetable import save_timetable_entry

bp = Blueprint("scheduling_admin", __name__, url_prefix="/admin")
#: at most this many kept sessions are carried to the entry's page after a save
MAX_KEPT_LISTED = 200


@bp.context_processor
def scheduling_labels():
    return {
        "difficulty_labels": DIFFICULTY_LABELS,
        "status_labels": STATUS_LABELS,
        "state_labels": STATE_LABELS,
        "class_colours": class_colours,
        "weekday_names": weekday_names,
    }


def weekday_names(bitmask: int, width: str = "abbreviated") -> list[str]:
    """Local names of the weekdays set in a timetable bitmask, Monday first."""
    names = get_day_names(width, locale=get_locale())
    return [names[day] for day in range(7) if bitmask & (1 << day)]


# ---- rooms ------------------------------------------------------------------


@bp.get("/rooms")
@roles_required(*ADMIN)
def rooms():
    page = queries.rooms_page(page_arg())
    return render_template("scheduling/staff/rooms.html", rooms=page)


@bp.route("/rooms/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def room_new():
    return _room_form(None)


@bp.route("/rooms/<int:room_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def room_edit(room_id: int):
    return _room_form(get_or_404(Room, room_id))


def _room_form(room: Room | None):
    form = RoomForm(obj=room) if request.method == "GET" else RoomForm()
    if form.validate_on_submit():
        try:
            saved = save_room(room and room.id, **form.values(), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Room saved."), "success")
            return redirect(url_for(".room_edit", room_id=saved.id))
    return render_template("scheduling/staff/room_form.html", form=form, room=room)


# ---- class types ------------------------------------------------------------


@bp.get("/class-types")
@roles_required(*ADMIN)
def class_types():
    page = queries.class_types_page(page_arg())
    return render_template("scheduling/staff/class_types.html", class_types=page)


@bp.route("/class-types/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def class_type_new():
    return _class_type_form(None)


@bp.route("/class-types/<int:class_type_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def class_type_edit(class_type_id: int):
    return _class_type_form(get_or_404(ClassType, class_type_id))


def _class_type_form(class_type: ClassType | None):
    form = ClassTypeForm(obj=class_type) if request.method == "GET" else ClassTypeForm()
    form.load_options(class_type)
    if form.validate_on_submit():
        try:
            saved = save_class_type(class_type and class_type.id, form.values(), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Class type saved."), "success")
            return redirect(url_for(".class_type_edit", class_type_id=saved.id))
    return render_template(
        "scheduling/staff/class_type_form.html", form=form, class_type=class_type
    )


# ---- the timetable ----------------------------------------------------------


@bp.get("/timetable")
@roles_required(*ADMIN)
def timetable():
    page = queries.timetable_page(page_arg())
    return render_template("scheduling/staff/timetable.html", entries=page)


@bp.route("/timetable/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def timetable_new():
    return _entry_form(None)


@bp.route("/timetable/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def timetable_edit(entry_id: int):
    return _entry_form(get_or_404(TimetableEntry, entry_id))


def _entry_form(entry: TimetableEntry | None):
    form = TimetableEntryForm(obj=entry) if request.method == "GET" else TimetableEntryForm()
    form.load_options(entry)
    if entry is None and not form.is_submitted():
        form.starts_on.data = gym_today()
    if form.validate_on_submit():
        try:
            change = save_timetable_entry(entry and entry.id, form.values(), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(
                _(
                    "Timetable saved. Sessions added: %(created)d, moved or changed: "
                    "%(updated)d, removed: %(removed)d.",
                    created=change.created,
                    updated=change.updated,
                    removed=change.removed,
                ),
                "success",
            )
            kept = ",".join(str(s.id) for s in change.kept[:MAX_KEPT_LISTED])
            return redirect(url_for(".timetable_edit", entry_id=change.entry.id, kept=kept or None))
    kept = _kept_sessions(entry) if entry and request.method == "GET" else []
    return render_template(
        "scheduling/staff/timetable_form.html",
        form=form,
        entry=entry,
        kept=kept,
        taken=queries.spots_taken(kept),
    )


def _kept_sessions(entry: TimetableEntry) -> list:
    """The sessions a save left alone, named by `?kept=` (only this entry's)."""
    ids = [int(i) for i in re.findall(r"[0-9]{1,9}", request.args.get("kept", ""))]
    return queries.entry_sessions(entry.id, ids[:MAX_KEPT_LISTED])


# ---- single sessions --------------------------------------------------------


@bp.get("/sessions")
@roles_required(*DESK)
def sessions():
    filters = SessionFilterForm(request.args)
    filters.load_options()
    if not request.args:
        filters.date_from.data = gym_today()  # upcoming classes first
    filters.validate()
    page = queries.search_sessions(filters.search(), page_arg())
    return render_template(
        "scheduling/staff/sessions.html",
        filters=filters,
        page=page,
        rows=with_spots(page.items),
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def session_new():
    form = SessionForm()
    form.load_options()
    if not form.is_submitted():
        form.day.data = _day_from_query() or gym_today()
    if form.validate_on_submit():
        try:
            cs = create_session(form.values(), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Class scheduled."), "success")
            return redirect(url_for(".session_detail", session_id=cs.id))
    return render_template("scheduling/staff/session_new.html", form=form)


def _day_from_query() -> date | None:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if day >= gym_today() else None


@bp.get("/sessions/<int:session_id>")
@roles_required(*DESK)
def session_detail(session_id: int):
    cs = get_or_404(ClassSession, session_id)
    [row] = with_spots([cs])
    return render_template(
        "scheduling/staff/session_detail.html",
        cs=cs,
        row=row,
        taken=queries.spots_taken([cs])[cs.id],
        can_change=_can_change(cs),
    )


def _can_change(cs: ClassSession) -> bool:
    return not cs.is_cancelled and cs.ends_at > utc_now()


def _refuse_change(cs: ClassSession):
    """Send the admin back to the session when it can no longer change, else None."""
    if cs.is_cancelled:
        flash(_("This class was cancelled and can no longer be changed."), "warning")
    elif cs.ends_at <= utc_now():
        flash(_("This class is over and can no longer be changed."), "warning")
    else:
        return None
    return redirect(url_for(".session_detail", session_id=cs.id))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMIN)
def session_edit(session_id: int):
    cs = get_or_404(ClassSession, session_id)
    if request.method == "GET" and (refused := _refuse_change(cs)):
        return refused
    form = SessionEditForm(obj=cs) if request.method == "GET" else SessionEditForm()
    form.load_options(cs)
    if not form.is_submitted():
        form.show_times(cs)
    if form.validate_on_submit():
        try:
            update_session(cs.id, form.values(cs), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for(".session_detail", session_id=cs.id))
    return render_template("scheduling/staff/session_edit.html", form=form, cs=cs)


@bp.route("/sessions/<int:session_id>/reschedule", methods=["GET", "POST"])
@roles_required(*ADMIN)
def session_reschedule(session_id: int):
    cs = get_or_404(ClassSession, session_id)
    if request.method == "GET" and (refused := _refuse_change(cs)):
        return refused
    form = RescheduleForm()
    if not form.is_submitted():
        form.show_times(cs)
    if form.validate_on_submit():
        starts_at, _ends_at = form.instants()
        try:
            reschedule_session(cs.id, starts_at, form.reason.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Class moved. Everyone in it will get an email."), "success")
            return redirect(url_for(".session_detail", session_id=cs.id))
    return render_template("scheduling/staff/session_reschedule.html", form=form, cs=cs)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@roles_required(*ADMIN)
def session_cancel(session_id: int):
    cs = get_or_404(ClassSession, session_id)
    if request.method == "GET" and (refused := _refuse_change(cs)):
        return refused
    form = CancelForm()
    if form.validate_on_submit():
        try:
            cancel_session(cs.id, form.reason.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Class cancelled. Everyone in it will get an email."), "success")
            return redirect(url_for(".session_detail", session_id=cs.id))
    return render_template("scheduling/staff/session_cancel.html", form=form, cs=cs)


# ---- the week calendar ------------------------------------------------------


@bp.get("/calendar")
@roles_required(*DESK)
def calendar():
    filters = CalendarFilterForm(request.args)
    filters.load_options()
    filters.validate()
    today = gym_today()
    monday = parse_week(request.args.get("week"), today)
    chosen = SessionFilters(
        trainer_id=None if filters.trainer.errors else filters.trainer.data,
        room_id=None if filters.room.errors else filters.room.data,
    )
    keep = {
        "trainer": chosen.trainer_id or None,
        "room": chosen.room_id or None,
    }
    return render_template(
        "scheduling/staff/calendar.html",
        filters=filters,
        days=week_days(monday, chosen, today),
        monday=monday,
        today=today,
        sunday=monday + timedelta(days=6),
        previous_week=(monday - timedelta(days=7)).isoformat(),
        next_week=(monday + timedelta(days=7)).isoformat(),
        keep=keep,
        this_week=monday == week_start(today),
    )
