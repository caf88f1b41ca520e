"""Admins keep availability, decide leave, plan cover and run pay
(`staff_admin`, /admin/staff).

Thin: load (404), check (403), validate, call one service, render.
"""

from datetime import date
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import page_arg
from app.core.permissions import ADMIN, get_or_404, roles_required
from app.staff.forms.pay import AdjustmentForm, RateForm, month_arg
from app.staff.models import PayStatement
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
from app.staff.services import pay, pay_documents
from app.trainers.models import Trainer

bp = Blueprint("staff_admin", __name__, url_prefix="/admin/staff")


# -- availability and 1:1 slots ----------------------------------------------


# -- leave, approval and cover -----------------------------------------------


# -- pay ---------------------------------------------------------------------


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
