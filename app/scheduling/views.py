"""Back-office scheduling pages: rooms, class types and the timetable.

Single sessions live in `admin_sessions.py` and the week calendar in
`admin_calendar.py`; all are routes of the one `scheduling_admin` blueprint,
listed at the bottom of this module.

Admins do everything here; front desk may open the calendar, the session
list and a session's page, read-only.
"""

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.clock import local_date
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.permissions import ADMIN, get_or_404, roles_required
from app.scheduling import admin_calendar, admin_sessions, queries
from app.scheduling.admin_calendar import class_colours, weekday_names
from app.scheduling.forms.catalogue import (
    DIFFICULTY_LABELS,
    ClassTypeForm,
    RoomForm,
    TimetableEntryForm,
)
from app.scheduling.forms.sessions import STATE_LABELS, STATUS_LABELS
from app.scheduling.models import ClassType, Room, TimetableEntry
from app.scheduling.services.catalogue import save_class_type, save_room
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


# ---- rooms ------------------------------------------------------------------


@bp.get("/rooms")
@roles_required(*ADMIN)
def rooms():
    page = queries.rooms_page(request.args.get("page", 1, type=int))
    return render_template("scheduling/admin/rooms.html", rooms=page)


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
    return render_template("scheduling/admin/room_form.html", form=form, room=room)


# ---- class types ------------------------------------------------------------


@bp.get("/class-types")
@roles_required(*ADMIN)
def class_types():
    page = queries.class_types_page(request.args.get("page", 1, type=int))
    return render_template("scheduling/admin/class_types.html", class_types=page)


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
        "scheduling/admin/class_type_form.html", form=form, class_type=class_type
    )


# ---- the timetable ----------------------------------------------------------


@bp.get("/timetable")
@roles_required(*ADMIN)
def timetable():
    page = queries.timetable_page(request.args.get("page", 1, type=int))
    return render_template("scheduling/admin/timetable.html", entries=page)


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
        form.starts_on.data = local_date(utc_now(), gym_zone())
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
        "scheduling/admin/timetable_form.html",
        form=form,
        entry=entry,
        kept=kept,
        taken=queries.spots_taken(kept),
    )


def _kept_sessions(entry: TimetableEntry) -> list:
    """The sessions a save left alone, named by `?kept=` (only this entry's)."""
    ids = [int(i) for i in re.findall(r"\d{1,9}", request.args.get("kept", ""))]
    return queries.entry_sessions(entry.id, ids[:MAX_KEPT_LISTED])


# ---- single sessions and the calendar ---------------------------------------

for rule, view, methods in [
    ("/sessions", admin_sessions.sessions, ["GET"]),
    ("/sessions/new", admin_sessions.session_new, ["GET", "POST"]),
    ("/sessions/<int:session_id>", admin_sessions.session_detail, ["GET"]),
    ("/sessions/<int:session_id>/edit", admin_sessions.session_edit, ["GET", "POST"]),
    ("/sessions/<int:session_id>/reschedule", admin_sessions.session_reschedule, ["GET", "POST"]),
    ("/sessions/<int:session_id>/cancel", admin_sessions.session_cancel, ["GET", "POST"]),
    ("/calendar", admin_calendar.calendar, ["GET"]),
]:
    bp.add_url_rule(rule, view_func=view, methods=methods)
