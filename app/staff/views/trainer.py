"""A trainer's own availability, leave and pay (`staff_trainer`, /trainer).

Thin: load (404), check (403), validate, call one service, render.
"""

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from app.accounts.models import Role
from app.core.errors import AccessDenied, DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today, gym_zone
from app.core.inputs import page_arg
from app.core.models import utc_now
from app.core.navigation import safe_next
from app.core.permissions import ensure, get_or_404, roles_required
from app.scheduling.forms.sessions import CancelForm, RescheduleForm
from app.scheduling.models import ClassSession
from app.scheduling.services.sessions import (
    cancel_session,
    reschedule_session,
    trainer_may_change,
)
from app.staff.forms.availability import (
    AudienceForm,
    BlockForm,
    ExceptionForm,
    weekday_names,
)
from app.staff.forms.leave import AskForSubForm, LeaveRequestForm, WithdrawForm
from app.staff.models import AvailabilityBlock, AvailabilityException, PayStatement
from app.staff.queries import leave as leave_queries
from app.staff.queries.availability import (
    blocks_of,
    booked_outside_availability,
    exceptions_of,
)
from app.staff.queries.pay import finals_of_trainer, month_to_date_estimate
from app.staff.services import availability as availability_services
from app.staff.services import pay_documents
from app.staff.services.cover import accept_offer, offer_session
from app.staff.services.leave import check_leave, request_leave, withdraw_leave
from app.trainers.queries import trainer_for_user

bp = Blueprint("staff_trainer", __name__, url_prefix="/trainer")


# -- availability and 1:1 slots ----------------------------------------------
#
# The availability page and its forms, shared with the admin's copy of it
# (views/staff.py builds the same page for any trainer).


TRAINER_ONLY = (Role.TRAINER,)


def availability_page(
    trainer, urls: dict, *, layout: str, block_form=None, exception_form=None, audience_form=None
):
    """The availability page of `trainer` (None: a trainer with no profile yet)."""
    trainer_id = trainer.id if trainer else None
    return render_template(
        "staff/availability.html",
        layout=layout,
        trainer=trainer,
        urls=urls,
        weekdays=dict(weekday_names()),
        blocks=blocks_of(trainer_id) if trainer else [],
        exceptions=exceptions_of(trainer_id, gym_today()) if trainer else [],
        outside=booked_outside_availability(trainer_id, utc_now(), gym_zone()) if trainer else [],
        block_form=block_form or BlockForm(formdata=None, valid_from=gym_today()),
        exception_form=exception_form or ExceptionForm(formdata=None),
        audience_form=audience_form
        or AudienceForm(
            formdata=None, audience=trainer.one_to_one_audience if trainer else "anyone"
        ),
    )


def flash_outside(trainer_id: int) -> None:
    """After a change: say how many booked 1:1s lie outside availability now."""
    count = len(booked_outside_availability(trainer_id, utc_now(), gym_zone()))
    if count:
        flash(
            ngettext(
                "%(num)d booked 1:1 session is now outside the availability. It stays booked.",
                "%(num)d booked 1:1 sessions are now outside the availability. They stay booked.",
                count,
            ),
            "warning",
        )


def save_block_then_redirect(trainer_id: int, block_id, form: BlockForm, done_url: str):
    """Validate and save a block; the redirect on success, or None (errors on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        availability_services.save_block(trainer_id, block_id, actor=current_user, **form.values())
    except DomainError as exc:
        apply_error(form, exc)
        return None
    flash(_("Availability saved."), "success")
    flash_outside(trainer_id)
    return redirect(done_url)


def add_exception_then_redirect(trainer_id: int, form: ExceptionForm, done_url: str):
    if not form.validate_on_submit():
        return None
    try:
        availability_services.add_exception(trainer_id, actor=current_user, **form.values())
    except DomainError as exc:
        apply_error(form, exc)
        return None
    flash(_("Availability saved."), "success")
    flash_outside(trainer_id)
    return redirect(done_url)


def set_audience_then_redirect(trainer_id: int, form: AudienceForm, done_url: str):
    if not form.validate_on_submit():
        return None
    try:
        availability_services.set_one_to_one_audience(
            trainer_id, form.audience.data, actor=current_user
        )
    except DomainError as exc:
        apply_error(form, exc)
        return None
    flash(_("Saved who may book 1:1 sessions."), "success")
    return redirect(done_url)


def delete_then_redirect(remove, object_id: int, trainer_id: int, done_url: str):
    """Remove a block or exception (a button-only form) and go back."""
    if FlaskForm().validate_on_submit():
        remove(object_id, actor=current_user)
        flash(_("Availability saved."), "success")
        flash_outside(trainer_id)
    else:
        flash(_("The form expired. Please try again."), "danger")
    return redirect(done_url)


def _own_trainer():
    """The signed-in trainer's profile; made on first save."""
    trainer = trainer_for_user(current_user.id)
    if trainer is None:
        from app.trainers.services import ensure_trainer_profile

        trainer = ensure_trainer_profile(current_user.id, actor=current_user)
    return trainer


def _own_urls() -> dict:
    return {
        "add_block": url_for("staff_trainer.add_block"),
        "edit_block": lambda block_id: url_for("staff_trainer.edit_block", block_id=block_id),
        "delete_block": lambda block_id: url_for("staff_trainer.delete_block", block_id=block_id),
        "add_exception": url_for("staff_trainer.add_exception"),
        "delete_exception": lambda exception_id: url_for(
            "staff_trainer.delete_exception", exception_id=exception_id
        ),
        "audience": url_for("staff_trainer.audience"),
        "back": url_for("staff_trainer.availability"),
    }


def _own_page(**forms):
    trainer = trainer_for_user(current_user.id)
    return availability_page(trainer, _own_urls(), layout="layouts/trainer.html", **forms)


@bp.get("/availability")
@roles_required(*TRAINER_ONLY)
def availability():
    return _own_page()


@bp.post("/availability/blocks")
@roles_required(*TRAINER_ONLY)
def add_block():
    form = BlockForm()
    done = save_block_then_redirect(_own_trainer().id, None, form, url_for(".availability"))
    return done or _own_page(block_form=form)


def _own_row(model, object_id: int):
    """The signed-in trainer's block or exception, or 404."""
    row = get_or_404(model, object_id)
    trainer = trainer_for_user(current_user.id)
    ensure(trainer is not None and row.trainer_id == trainer.id)
    return row


@bp.route("/availability/blocks/<int:block_id>", methods=["GET", "POST"])
@roles_required(*TRAINER_ONLY)
def edit_block(block_id: int):
    block = _own_row(AvailabilityBlock, block_id)
    form = BlockForm(obj=block) if request.method == "GET" else BlockForm()
    if request.method == "POST":
        done = save_block_then_redirect(block.trainer_id, block.id, form, url_for(".availability"))
        if done:
            return done
    return render_template(
        "staff/availability_block.html",
        layout="layouts/trainer.html",
        form=form,
        trainer=block.trainer_id,
        action=url_for(".edit_block", block_id=block.id),
        back=url_for(".availability"),
    )


@bp.post("/availability/blocks/<int:block_id>/delete")
@roles_required(*TRAINER_ONLY)
def delete_block(block_id: int):
    block = _own_row(AvailabilityBlock, block_id)
    return delete_then_redirect(
        availability_services.delete_block, block.id, block.trainer_id, url_for(".availability")
    )


@bp.post("/availability/exceptions")
@roles_required(*TRAINER_ONLY)
def add_exception():
    form = ExceptionForm()
    done = add_exception_then_redirect(_own_trainer().id, form, url_for(".availability"))
    return done or _own_page(exception_form=form)


@bp.post("/availability/exceptions/<int:exception_id>/delete")
@roles_required(*TRAINER_ONLY)
def delete_exception(exception_id: int):
    exception = _own_row(AvailabilityException, exception_id)
    return delete_then_redirect(
        availability_services.delete_exception,
        exception.id,
        exception.trainer_id,
        url_for(".availability"),
    )


@bp.post("/availability/audience")
@roles_required(*TRAINER_ONLY)
def audience():
    form = AudienceForm()
    back = safe_next(request.form.get("next")) or url_for(".availability")
    done = set_audience_then_redirect(_own_trainer().id, form, back)
    return done or _own_page(audience_form=form)


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
