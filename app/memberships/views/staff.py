"""The back office's plan and membership pages (`memberships_admin`, /admin).

The plan catalogue (admins) and a member's membership and credits page
(admins and front desk: they assign plans, cancel memberships and adjust
credits). Also the `credits` and `valid_until` template filters, for every
page of the app.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.accounts.models import User
from app.accounts.queries import member_or_404
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import page_arg
from app.core.permissions import ADMIN, DESK, ensure, get_or_404, roles_required
from app.memberships import queries
from app.memberships.forms import PAYMENT_NOTE_LABELS, AdjustForm, AssignForm, PlanForm
from app.memberships.ledger import format_credits
from app.memberships.models import Membership, Plan
from app.memberships.services import memberships as services
from app.memberships.views import page_labels

bp = Blueprint("memberships_admin", __name__, url_prefix="/admin")
bp.context_processor(page_labels)


@bp.app_template_filter("credits")
def credits_filter(amount_cc: int) -> str:
    return format_credits(amount_cc or 0)


@bp.app_template_filter("valid_until")
def valid_until_filter(instant) -> str:
    from app.core.i18n import local_date as format_local_date

    return format_local_date(queries.valid_until(instant))


# ---- the plan catalogue (admins) --------------------------------------------


@bp.get("/plans")
@roles_required(*ADMIN)
def plans():
    page = queries.plans_page(page_arg())
    return render_template("memberships/staff/plans.html", plans=page)


@bp.route("/plans/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def plan_new():
    return _plan_form(None)


@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def plan_edit(plan_id: int):
    return _plan_form(get_or_404(Plan, plan_id))


def _plan_form(plan: Plan | None):
    if request.method == "GET" and plan is not None:
        form = PlanForm(obj=plan, price=plan.price_minor, credits=plan.credits_cc)
    else:
        form = PlanForm()
    if form.validate_on_submit():
        try:
            saved = services.save_plan(plan and plan.id, form.values(), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Plan saved."), "success")
            return redirect(url_for(".plan_edit", plan_id=saved.id))
    return render_template("memberships/staff/plan_form.html", form=form, plan=plan)


# ---- a member's membership and credits (admins and front desk) --------------


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.plan_id.set_options(queries.plan_options())
    if not form.is_submitted():
        form.starts_on.data = gym_today()
    return form


def _adjust_form() -> AdjustForm:
    form = AdjustForm()
    if not form.is_submitted():
        form.expires_on.data = queries.default_expiry()
    return form


def _member_page(member: User, *, assign_form=None, adjust_form=None):
    return render_template(
        "memberships/staff/member.html",
        member=member,
        snapshot=queries.member_snapshot(member.id),
        memberships=queries.memberships_of(member.id),
        lots=queries.live_lots(member.id),
        entries=queries.entries_page(member.id, page_arg()),
        assign_form=assign_form or _assign_form(),
        adjust_form=adjust_form or _adjust_form(),
        action_form=FlaskForm(),
        payment_note_labels=PAYMENT_NOTE_LABELS,
    )


@bp.get("/members/<int:user_id>/membership")
@roles_required(*DESK)
def member(user_id: int):
    return _member_page(member_or_404(user_id))


@bp.post("/members/<int:user_id>/membership/assign")
@roles_required(*DESK)
def assign(user_id: int):
    member = member_or_404(user_id)
    form = _assign_form()
    if form.validate_on_submit():
        try:
            services.assign_membership(
                member.id, form.plan_id.data, starts_on=form.starts_on.data, actor=current_user
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Plan assigned, paid at the desk."), "success")
            return redirect(url_for(".member", user_id=member.id))
    return _member_page(member, assign_form=form)


@bp.post("/members/<int:user_id>/credits/adjust")
@roles_required(*DESK)
def adjust(user_id: int):
    member = member_or_404(user_id)
    form = _adjust_form()
    if form.validate_on_submit():
        try:
            services.adjust_credits(
                member.id,
                form.credits.data,
                form.reason.data,
                expires_on=form.expires_on.data,
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Credits adjusted."), "success")
            return redirect(url_for(".member", user_id=member.id))
    return _member_page(member, adjust_form=form)


@bp.post("/members/<int:user_id>/memberships/<int:membership_id>/cancel")
@roles_required(*DESK)
def cancel(user_id: int, membership_id: int):
    member = member_or_404(user_id)
    membership = get_or_404(Membership, membership_id)
    ensure(membership.member_id == member.id)
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
    else:
        try:
            services.cancel_membership(membership.id, actor=current_user)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The membership was cancelled."), "success")
    return redirect(url_for(".member", user_id=member.id))
