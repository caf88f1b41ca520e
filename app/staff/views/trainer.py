"""A trainer's own availability, leave and pay (`staff_trainer`, /trainer).

Thin: load (404), check (403), validate, call one service, render.
"""

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.errors import AccessDenied, DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import page_arg
from app.core.permissions import ensure, get_or_404, roles_required
from app.scheduling.forms.sessions import CancelForm, RescheduleForm
from app.scheduling.models import ClassSession
from app.scheduling.services.sessions import (
    cancel_session,
    reschedule_session,
    trainer_may_change,
)
from app.staff.forms.leave import AskForSubForm, LeaveRequestForm, WithdrawForm
from app.staff.models import PayStatement
from app.staff.queries import leave as leave_queries
from app.staff.queries.pay import finals_of_trainer, month_to_date_estimate
from app.staff.services import pay_documents
from app.staff.services.cover import accept_offer, offer_session
from app.staff.services.leave import check_leave, request_leave, withdraw_leave
from app.trainers.queries import trainer_for_user

bp = Blueprint("staff_trainer", __name__, url_prefix="/trainer")


# -- availability and 1:1 slots ----------------------------------------------


# -- leave, approval and cover -----------------------------------------------


def _trainer_role(view):
    return roles_required(Role.TRAINER)(view)


@bp.route("/leave", methods=["GET", "POST"])
@_trainer_role
def leave():
    """Ask for leave (Preview shows the classes it touches; Send asks), and
    the trainer's requests with their status."""
    trainer = leave_queries.trainer_of_user(current_user.id)
    form = LeaveRequestForm()
    preview = None
    if trainer is not None and form.validate_on_submit():
        try:
            if request.form.get("action") == "send":
                request_leave(trainer.id, form.values(), actor=current_user)
                flash(_("Leave requested. You will get an email when an admin decides."), "success")
                return redirect(url_for(".leave"))
            values = form.values()
            starts_at, ends_at = check_leave(
                trainer.id,
                values["kind"],
                values["first_day"],
                values["last_day"],
                values["start_time"],
                values["end_time"],
            )
            preview = leave_queries.sessions_during(trainer.id, starts_at, ends_at)
        except DomainError as exc:
            apply_error(form, exc)
    requests = leave_queries.leave_page(trainer.id, request.args.get("page")) if trainer else None
    return render_template(
        "staff/leave_trainer.html",
        trainer=trainer,
        form=form,
        preview=preview,
        requests=requests,
        withdraw_form=WithdrawForm(),
        needing_cover=(
            leave_queries.sessions_needing_cover(trainer.id, include_offers=False)
            if trainer
            else []
        ),
        offers=leave_queries.offers_for(trainer.id) if trainer else [],
    )


@bp.post("/leave/<int:leave_id>/withdraw")
@_trainer_role
def leave_withdraw(leave_id: int):
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            if withdraw_leave(leave_id, actor=current_user):
                flash(_("Request withdrawn."), "success")
        except DomainError as exc:
            flash(str(exc), "danger")
    else:
        flash(_("The form could not be read. Reload the page and try again."), "danger")
    return redirect(url_for(".leave"))


def _own_session(session_id: int) -> ClassSession:
    """The trainer's own class, while the gym lets trainers change them.

    Raises NotYours (404) for another trainer's class; AccessDenied (403)
    while `trainer_class_controls` is off.
    """
    cs = get_or_404(ClassSession, session_id)
    ensure(cs.trainer.user_id == current_user.id)
    if not trainer_may_change(current_user, cs):
        raise AccessDenied()
    return cs


@bp.post("/cover/<int:offer_id>/accept")
@_trainer_role
def offer_accept(offer_id: int):
    """Take a class offered to the free trainers; the first to accept gets it."""
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            cover = accept_offer(offer_id, actor=current_user)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(
                _(
                    "%(class_name)s is yours. The people booked are told.",
                    class_name=cover.session.class_type.name,
                ),
                "success",
            )
    else:
        flash(_("The form could not be read. Reload the page and try again."), "danger")
    return redirect(url_for(".leave"))


@bp.post("/sessions/<int:session_id>/offer")
@_trainer_role
def session_offer(session_id: int):
    """Ask the trainers free then to take one of the trainer's own classes."""
    cs = _own_session(session_id)
    form = AskForSubForm(prefix="sub")
    if form.validate_on_submit():
        try:
            offer_session(cs.id, note=form.note.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(
                _("Offered to the trainers free then; the first to accept teaches it."), "success"
            )
            return redirect(url_for(".leave"))
    return _session_page(cs, sub_form=form, status=422)


def _session_page(cs, move_form=None, cancel_form=None, sub_form=None, status=200):
    move_form = move_form or RescheduleForm(prefix="move")
    if not move_form.is_submitted():
        move_form.show_times(cs)
    return (
        render_template(
            "staff/cover_session_trainer.html",
            cs=cs,
            move_form=move_form,
            cancel_form=cancel_form or CancelForm(prefix="cancel"),
            sub_form=sub_form or AskForSubForm(prefix="sub"),
        ),
        status,
    )


@bp.get("/sessions/<int:session_id>")
@_trainer_role
def session(session_id: int):
    """One of the trainer's own classes: move it or cancel it, with a reason."""
    return _session_page(_own_session(session_id))


@bp.post("/sessions/<int:session_id>/reschedule")
@_trainer_role
def session_reschedule(session_id: int):
    cs = _own_session(session_id)
    form = RescheduleForm(prefix="move")
    if form.validate_on_submit():
        starts_at, _ends_at = form.instants()
        try:
            reschedule_session(cs.id, starts_at, form.reason.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Class moved. Everyone in it will get an email."), "success")
            return redirect(url_for("trainers.home"))
    return _session_page(cs, move_form=form, status=422)


@bp.post("/sessions/<int:session_id>/cancel")
@_trainer_role
def session_cancel(session_id: int):
    cs = _own_session(session_id)
    form = CancelForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            cancel_session(cs.id, form.reason.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Class cancelled. Everyone in it will get an email."), "success")
            return redirect(url_for("trainers.home"))
    return _session_page(cs, cancel_form=form, status=422)


# -- pay ---------------------------------------------------------------------


@bp.get("/pay")
@roles_required(Role.TRAINER)
def pay():
    """The trainer's final statements, newest first, and this month so far."""
    trainer = trainer_for_user(current_user.id)
    return render_template(
        "staff/pay/trainer_pay.html",
        trainer=trainer,
        pagination=finals_of_trainer(trainer.id, page_arg()) if trainer else None,
        estimate=month_to_date_estimate(trainer.id, gym_today()) if trainer else None,
    )


@bp.get("/pay/<int:statement_id>.pdf")
@roles_required(Role.TRAINER)
def pay_pdf(statement_id: int):
    """One of the trainer's own final statements; anyone else's, or a draft, is a 404."""
    statement = get_or_404(PayStatement, statement_id)
    trainer = trainer_for_user(current_user.id)
    ensure(trainer is not None and statement.trainer_id == trainer.id and statement.is_final)
    try:
        data = pay_documents.statement_pdf(statement)
    except pay_documents.StatementRenderError:
        flash(_("This document isn't ready yet. Please try again in a few minutes."), "warning")
        return redirect(url_for("staff_trainer.pay"))
    return send_file(
        BytesIO(data),
        mimetype="application/pdf",
        download_name=pay_documents.file_name(statement),
        as_attachment=False,
        max_age=0,
    )
