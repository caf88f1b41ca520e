"""The leads inbox (`leads_staff`, /admin/leads): admins and front desk."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.core.forms import apply_error
from app.core.inputs import page_arg
from app.core.permissions import DESK, get_or_404, roles_required
from app.leads import queries, services
from app.leads.forms import INTEREST_LABELS, STATUS_LABELS, LeadForm
from app.leads.models import Lead, LeadStatus

bp = Blueprint("leads_staff", __name__, url_prefix="/admin/leads")


def _status_arg() -> LeadStatus | None:
    try:
        return LeadStatus(request.args.get("status", ""))
    except ValueError:
        return None


@bp.get("", endpoint="index")
@roles_required(*DESK)
def index():
    status = _status_arg()
    overdue = request.args.get("overdue") == "1"
    q = request.args.get("q", "")[:100]
    pagination, matches = queries.inbox(page=page_arg(), status=status, overdue=overdue, q=q)
    return render_template(
        "leads/staff/index.html",
        pagination=pagination,
        matches=matches,
        status=status,
        overdue=overdue,
        q=q,
        status_labels=STATUS_LABELS,
        interest_labels=INTEREST_LABELS,
    )


def _form(lead: Lead) -> LeadForm:
    form = LeadForm(obj=None if request.method == "POST" else lead)
    if request.method != "POST":
        form.status.data = lead.status.value
    form.assignee_id.set_options(queries.staff_choices())
    return form


def _render(lead: Lead, form: LeadForm, code: int = 200):
    return (
        render_template(
            "leads/staff/detail.html",
            lead=lead,
            form=form,
            member=queries.matching_member(lead),
            status_labels=STATUS_LABELS,
            interest_labels=INTEREST_LABELS,
        ),
        code,
    )


@bp.get("/<int:lead_id>", endpoint="detail")
@roles_required(*DESK)
def detail(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    return _render(lead, _form(lead))


@bp.post("/<int:lead_id>", endpoint="update")
@roles_required(*DESK)
def update(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    form = _form(lead)
    if form.validate_on_submit():
        try:
            services.update(
                lead_id,
                status=LeadStatus(form.status.data),
                lost_reason=form.lost_reason.data,
                notes=form.notes.data,
                next_follow_up=form.next_follow_up.data,
                assignee_id=form.assignee_id.data,
                actor=current_user._get_current_object(),
            )
        except services.LeadError as exc:
            apply_error(form, exc)
        else:
            flash(_("Lead saved."), "success")
            return redirect(url_for("leads_staff.detail", lead_id=lead_id), code=303)
    return _render(lead, form, 422)


@bp.post("/<int:lead_id>/convert", endpoint="convert")
@roles_required(*DESK)
def convert(lead_id: int):
    get_or_404(Lead, lead_id)
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
    else:
        try:
            services.convert(lead_id, actor=current_user._get_current_object())
        except services.LeadError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The lead is a member now."), "success")
    return redirect(url_for("leads_staff.detail", lead_id=lead_id), code=303)
