"""Admins keep availability, decide leave, plan cover and run pay
(`staff_admin`, /admin/staff).

Thin: load (404), check (403), validate, call one service, render.
"""

from datetime import date
from io import BytesIO

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import page_arg
from app.core.navigation import safe_next
from app.core.permissions import ADMIN, get_or_404, roles_required
from app.scheduling import queries as scheduling_queries
from app.staff.forms.availability import AudienceForm, BlockForm, ExceptionForm
from app.staff.forms.leave import CoverCancelForm, DecisionForm, OfferForm, SubstituteForm
from app.staff.forms.pay import AdjustmentForm, RateForm, month_arg
from app.staff.models import AvailabilityBlock, AvailabilityException, Leave, PayStatement
from app.staff.queries import leave as leave_queries
from app.staff.queries.pay import (
    active_class_types,
    adjustments_of,
    lines_of,
    month_start,
    month_to_date_estimate,
    month_totals,
    next_month,
    previous_month,
    statements_of_month,
    trainer_rates,
)
from app.staff.services import availability as availability_services
from app.staff.services import pay, pay_documents
from app.staff.services.cover import cancel_for_leave, offer_session, substitute
from app.staff.services.leave import decide_leave
from app.staff.views.trainer import (
    add_exception_then_redirect,
    availability_page,
    delete_then_redirect,
    save_block_then_redirect,
    set_audience_then_redirect,
)
from app.trainers.models import Trainer

bp = Blueprint("staff_admin", __name__, url_prefix="/admin/staff")


# -- availability and 1:1 slots ----------------------------------------------
#
# An admin keeps any trainer's availability on the same page the trainer
# has (built by views/trainer.py).


def _urls(trainer_id: int) -> dict:
    return {
        "add_block": url_for("staff_admin.add_block", trainer_id=trainer_id),
        "edit_block": lambda block_id: url_for("staff_admin.edit_block", block_id=block_id),
        "delete_block": lambda block_id: url_for("staff_admin.delete_block", block_id=block_id),
        "add_exception": url_for("staff_admin.add_exception", trainer_id=trainer_id),
        "delete_exception": lambda exception_id: url_for(
            "staff_admin.delete_exception", exception_id=exception_id
        ),
        "audience": url_for("staff_admin.audience", trainer_id=trainer_id),
        "back": url_for("staff_admin.availability", trainer_id=trainer_id),
        "trainer": url_for("trainers_admin.edit", trainer_id=trainer_id),
    }


def _page(trainer: Trainer, **forms):
    return availability_page(trainer, _urls(trainer.id), layout="layouts/admin.html", **forms)


def _back(trainer_id: int) -> str:
    return url_for("staff_admin.availability", trainer_id=trainer_id)


@bp.get("/trainers/<int:trainer_id>/availability")
@roles_required(*ADMIN)
def availability(trainer_id: int):
    return _page(get_or_404(Trainer, trainer_id))


@bp.post("/trainers/<int:trainer_id>/availability/blocks")
@roles_required(*ADMIN)
def add_block(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id)
    form = BlockForm()
    done = save_block_then_redirect(trainer.id, None, form, _back(trainer.id))
    return done or _page(trainer, block_form=form)


@bp.route("/availability/blocks/<int:block_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit_block(block_id: int):
    block = get_or_404(AvailabilityBlock, block_id)
    form = BlockForm(obj=block) if request.method == "GET" else BlockForm()
    if request.method == "POST":
        done = save_block_then_redirect(block.trainer_id, block.id, form, _back(block.trainer_id))
        if done:
            return done
    return render_template(
        "staff/availability_block.html",
        layout="layouts/admin.html",
        form=form,
        trainer=block.trainer_id,
        action=url_for(".edit_block", block_id=block.id),
        back=_back(block.trainer_id),
    )


@bp.post("/availability/blocks/<int:block_id>/delete")
@roles_required(*ADMIN)
def delete_block(block_id: int):
    block = get_or_404(AvailabilityBlock, block_id)
    return delete_then_redirect(
        availability_services.delete_block, block.id, block.trainer_id, _back(block.trainer_id)
    )


@bp.post("/trainers/<int:trainer_id>/availability/exceptions")
@roles_required(*ADMIN)
def add_exception(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id)
    form = ExceptionForm()
    done = add_exception_then_redirect(trainer.id, form, _back(trainer.id))
    return done or _page(trainer, exception_form=form)


@bp.post("/availability/exceptions/<int:exception_id>/delete")
@roles_required(*ADMIN)
def delete_exception(exception_id: int):
    exception = get_or_404(AvailabilityException, exception_id)
    return delete_then_redirect(
        availability_services.delete_exception,
        exception.id,
        exception.trainer_id,
        _back(exception.trainer_id),
    )


@bp.post("/trainers/<int:trainer_id>/availability/audience")
@roles_required(*ADMIN)
def audience(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id)
    form = AudienceForm()
    back = safe_next(request.form.get("next")) or _back(trainer.id)
    done = set_audience_then_redirect(trainer.id, form, back)
    return done or _page(trainer, audience_form=form)


# -- leave, approval and cover -----------------------------------------------


@bp.app_template_global()
def pending_leave_count() -> int:
    """Requests waiting for a decision, for the back office's menu: one
    query per request, and only for admins."""
    if "pending_leave_count" not in g:
        g.pending_leave_count = leave_queries.pending_count()
    return g.pending_leave_count


@bp.get("/leave")
@roles_required(*ADMIN)
def leave_inbox():
    """Every leave request, pending first."""
    return render_template(
        "staff/leave_inbox.html",
        requests=leave_queries.inbox_page(request.args.get("page")),
        uncovered=leave_queries.sessions_needing_cover(None),
    )


def _plan_forms(leave: Leave, rows, forms=None) -> dict:
    """The decision form, and the cover plan's bulk forms with their choices."""
    forms = dict(forms or {})
    forms.setdefault("decision", DecisionForm(prefix="decision"))
    forms.setdefault("bulk_sub", SubstituteForm(prefix="bulk"))
    forms.setdefault("bulk_cancel", CoverCancelForm(prefix="bulk"))
    forms.setdefault("offer", OfferForm(prefix="bulk"))
    if "form" in forms:  # the one posted
        form = forms.pop("form")
        forms[
            {SubstituteForm: "bulk_sub", CoverCancelForm: "bulk_cancel"}.get(type(form), "offer")
        ] = form
    open_ids = [(row.session.id, row.session.class_type.name) for row in rows if row.needs_cover]
    forms["bulk_sub"].session_ids.choices = open_ids
    forms["bulk_cancel"].session_ids.choices = open_ids
    forms["offer"].session_ids.choices = open_ids
    others = [
        (trainer_id, name)
        for trainer_id, name in scheduling_queries.trainer_options()
        if trainer_id != leave.trainer_id
    ]
    forms["bulk_sub"].substitute_id.set_options(others)
    return forms


def _leave_page(leave: Leave, forms=None, status: int = 200):
    rows = leave_queries.cover_plan(leave)
    return (
        render_template(
            "staff/leave_detail.html",
            leave=leave,
            description=leave_queries.describe_leave(leave),
            rows=rows,
            forms=_plan_forms(leave, rows, forms),
            matches=leave_queries.matches_specialty,
        ),
        status,
    )


@bp.get("/leave/<int:leave_id>")
@roles_required(*ADMIN)
def leave_detail(leave_id: int):
    """A request with the classes it touches; once approved, its cover plan."""
    return _leave_page(get_or_404(Leave, leave_id))


@bp.post("/leave/<int:leave_id>/decide")
@roles_required(*ADMIN)
def leave_decide(leave_id: int):
    leave = get_or_404(Leave, leave_id)
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        try:
            approve = form.decision.data == "approve"
            decided = decide_leave(leave.id, approve, form.comment.data, actor=current_user)
        except DomainError as exc:
            form.comment.errors = [*form.comment.errors, str(exc)]
        else:
            if not decided:
                flash(_("This request was already decided; nothing changed."), "info")
            elif approve:
                flash(_("Leave approved. Plan the cover of its classes below."), "success")
            else:
                flash(_("Leave rejected. The trainer will get an email."), "success")
            return redirect(url_for(".leave_detail", leave_id=leave.id))
    return _leave_page(leave, {"decision": form}, 422)


def _cover_action(leave_id: int, form, act):
    """Validate a cover form, run `act(session ids)`, and go back to the plan."""
    leave = get_or_404(Leave, leave_id)
    # the choices: the classes still needing cover, and the other trainers
    _plan_forms(leave, leave_queries.cover_plan(leave), {"form": form})
    if form.validate_on_submit():
        try:
            message = act(leave, form)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(message, "success")
            return redirect(url_for(".leave_detail", leave_id=leave.id))
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")
    return redirect(url_for(".leave_detail", leave_id=leave.id))


@bp.post("/leave/<int:leave_id>/substitute")
@roles_required(*ADMIN)
def cover_substitute(leave_id: int):
    """Give classes of the plan to a substitute (one row's form, or the bulk one)."""

    def act(leave, form):
        covers = substitute(
            leave.id, form.session_ids.data, form.substitute_id.data, actor=current_user
        )
        return ngettext(
            "%(trainer)s now teaches %(num)d class. The people booked are told.",
            "%(trainer)s now teaches %(num)d classes. The people booked are told.",
            len(covers),
            trainer=covers[0].substitute.name,
        )

    return _cover_action(leave_id, SubstituteForm(prefix="bulk"), act)


@bp.post("/leave/<int:leave_id>/cancel")
@roles_required(*ADMIN)
def cover_cancel(leave_id: int):
    """Cancel classes of the plan through the timetable's cancel (refunds, emails)."""

    def act(leave, form):
        count = cancel_for_leave(
            leave.id, form.session_ids.data, form.reason.data, actor=current_user
        )
        return ngettext(
            "%(num)d class cancelled. Everyone in it will get an email.",
            "%(num)d classes cancelled. Everyone in them will get an email.",
            count,
        )

    return _cover_action(leave_id, CoverCancelForm(prefix="bulk"), act)


# -- pay ---------------------------------------------------------------------


@bp.post("/leave/<int:leave_id>/offer")
@roles_required(*ADMIN)
def cover_offer(leave_id: int):
    """Offer one class of the plan to every trainer free then."""

    def act(leave, form):
        [session_id] = form.session_ids.data[:1]
        offer_session(session_id, leave_id=leave.id, actor=current_user)
        return _("Offered to the trainers free then; the first to accept teaches it.")

    return _cover_action(leave_id, OfferForm(prefix="bulk"), act)


def send_statement_pdf(statement: PayStatement, fallback: str):
    """The statement's PDF inline; without WeasyPrint, back with a message."""
    try:
        data = pay_documents.statement_pdf(statement)
    except pay_documents.StatementRenderError:
        flash(_("This document isn't ready yet. Please try again in a few minutes."), "warning")
        return redirect(fallback)
    return send_file(
        BytesIO(data),
        mimetype="application/pdf",
        download_name=pay_documents.file_name(statement),
        as_attachment=False,
        max_age=0,
    )


def _pay_month() -> date:
    """The month asked for (?month=2026-11), else last month (gym time)."""
    return month_arg(request.args.get("month")) or previous_month(month_start(gym_today()))


def _pay_statement(statement_id: int) -> PayStatement:
    return get_or_404(PayStatement, statement_id)


@bp.get("/pay/")
@roles_required(*ADMIN)
def pay_month():
    """The month's statements, every trainer, draft or final, with totals."""
    month = _pay_month()
    return render_template(
        "staff/pay/admin_month.html",
        month=month,
        pagination=statements_of_month(month, page_arg()),
        totals=month_totals(month),
        prev_month=previous_month(month),
        next_month=next_month(month) if next_month(month) <= gym_today() else None,
    )


@bp.post("/pay/draft")
@roles_required(*ADMIN)
def pay_draft():
    month = month_arg(request.form.get("month"))
    if month is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        try:
            count = pay.draft_month(month, actor=current_user)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(
                ngettext("%(num)d statement drafted.", "%(num)d statements drafted.", count),
                "success",
            )
    else:
        flash(_("The form expired. Please try again."), "danger")
    return redirect(url_for("staff_admin.pay_month", month=f"{month:%Y-%m}"))


def _export(kind: str):
    month = _pay_month()
    if "month" in request.args and month_arg(request.args["month"]) is None:
        abort(404)
    if kind == "csv":
        data, mimetype = pay_documents.export_csv(month), "text/csv"
    else:
        data, mimetype = pay_documents.export_xlsx(month), pay_documents.XLSX
    return send_file(
        BytesIO(data),
        mimetype=mimetype,
        download_name=f"payroll-{month:%Y-%m}.{kind}",
        as_attachment=True,
        max_age=0,
    )


@bp.get("/pay/export.csv")
@roles_required(*ADMIN)
def pay_export_csv():
    return _export("csv")


@bp.get("/pay/export.xlsx")
@roles_required(*ADMIN)
def pay_export_xlsx():
    return _export("xlsx")


def _statement_page(statement: PayStatement, form=None):
    return render_template(
        "staff/pay/admin_statement.html",
        statement=statement,
        lines=lines_of(statement.id),
        adjustments=adjustments_of(statement.id),
        form=form or AdjustmentForm(formdata=None),
    )


@bp.get("/pay/statements/<int:statement_id>")
@roles_required(*ADMIN)
def pay_statement(statement_id: int):
    return _statement_page(_pay_statement(statement_id))


@bp.post("/pay/statements/<int:statement_id>/adjustments")
@roles_required(*ADMIN)
def pay_adjust(statement_id: int):
    statement = _pay_statement(statement_id)
    form = AdjustmentForm()
    if form.validate_on_submit():
        try:
            pay.add_adjustment(statement.id, form.amount.data, form.reason.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Adjustment added."), "success")
            return redirect(url_for("staff_admin.pay_statement", statement_id=statement.id))
    return _statement_page(statement, form), 422


def _statement_action(statement_id: int, action, done: str):
    statement = _pay_statement(statement_id)
    if FlaskForm().validate_on_submit():
        try:
            changed = action(statement.id, actor=current_user)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(done if changed else _("This statement was already final."), "success")
    else:
        flash(_("The form expired. Please try again."), "danger")
    return redirect(url_for("staff_admin.pay_statement", statement_id=statement.id))


@bp.post("/pay/statements/<int:statement_id>/recompute")
@roles_required(*ADMIN)
def pay_recompute(statement_id: int):
    return _statement_action(statement_id, pay.recompute_statement, _("Statement recomputed."))


@bp.post("/pay/statements/<int:statement_id>/finalise")
@roles_required(*ADMIN)
def pay_finalise(statement_id: int):
    return _statement_action(
        statement_id,
        pay.finalise_statement,
        _("Statement finalised. The trainer is emailed the PDF."),
    )


@bp.get("/pay/statements/<int:statement_id>/pdf")
@roles_required(*ADMIN)
def pay_statement_pdf(statement_id: int):
    statement = _pay_statement(statement_id)
    return send_statement_pdf(
        statement, url_for("staff_admin.pay_statement", statement_id=statement.id)
    )


def _rates_page(trainer: Trainer, form=None):
    class_types = active_class_types()
    return render_template(
        "staff/pay/admin_rates.html",
        trainer=trainer,
        rates=trainer_rates(trainer.id),
        form=form or RateForm(formdata=None, class_types=class_types),
        estimate=month_to_date_estimate(trainer.id, gym_today()),
    )


@bp.route("/pay/trainers/<int:trainer_id>/rates", methods=["GET", "POST"])
@roles_required(*ADMIN)
def pay_rates(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id)
    if request.method == "GET":
        return _rates_page(trainer)
    form = RateForm(class_types=active_class_types())
    if form.validate_on_submit():
        try:
            pay.set_rate(
                trainer.id,
                pay.RateInput(
                    basis=form.basis.data,
                    amount_minor=form.amount.data,
                    effective_from=form.effective_from.data,
                    class_type_id=form.class_type.data,
                ),
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Rate saved."), "success")
            return redirect(url_for("staff_admin.pay_rates", trainer_id=trainer.id))
    return _rates_page(trainer, form), 422
