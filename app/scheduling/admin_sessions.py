"""Back-office pages for single class sessions: list, one-offs, edit,
reschedule and cancel. Routes are registered in `views.py`.

Front desk may read the list and a session's page; only admins change them.
"""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.clock import local_date
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.permissions import ADMIN, DESK, get_or_404, roles_required
from app.scheduling import queries
from app.scheduling.forms.sessions import (
    CancelForm,
    RescheduleForm,
    SessionEditForm,
    SessionFilterForm,
    SessionForm,
)
from app.scheduling.models import ClassSession
from app.scheduling.queries import with_spots
from app.scheduling.services.sessions import (
    cancel_session,
    create_session,
    reschedule_session,
    update_session,
)


def _today() -> date:
    return local_date(utc_now(), gym_zone())


@roles_required(*DESK)
def sessions():
    filters = SessionFilterForm(request.args)
    filters.load_options()
    if not request.args:
        filters.date_from.data = _today()  # upcoming classes first
    filters.validate()
    page = queries.search_sessions(filters.search(), request.args.get("page", 1, type=int))
    return render_template(
        "scheduling/admin/sessions.html",
        filters=filters,
        page=page,
        rows=with_spots(page.items),
    )


@roles_required(*ADMIN)
def session_new():
    form = SessionForm()
    form.load_options()
    if not form.is_submitted():
        form.day.data = _day_from_query() or _today()
    if form.validate_on_submit():
        try:
            cs = create_session(form.values(), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Class scheduled."), "success")
            return redirect(url_for(".session_detail", session_id=cs.id))
    return render_template("scheduling/admin/session_new.html", form=form)


def _day_from_query() -> date | None:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if day >= _today() else None


@roles_required(*DESK)
def session_detail(session_id: int):
    cs = get_or_404(ClassSession, session_id)
    [row] = with_spots([cs])
    return render_template(
        "scheduling/admin/session_detail.html",
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
    return render_template("scheduling/admin/session_edit.html", form=form, cs=cs)


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
    return render_template("scheduling/admin/session_reschedule.html", form=form, cs=cs)


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
    return render_template("scheduling/admin/session_cancel.html", form=form, cs=cs)
