"""Billing details: the member's own, and the desk's page for any member.

Both pages show one form and call `save_billing_profile`; its refusals come
back as field errors. The details go on invoices issued after they are saved.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.billing.forms import BillingProfileForm
from app.billing.queries import payments as queries
from app.billing.services.profiles import save_billing_profile
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.permissions import DESK, MEMBERS, ensure, roles_required

bp = Blueprint("billing_profiles", __name__)


def _edit(member, template: str, done_url: str):
    """GET: the form filled with the saved details; POST: save, or re-render with errors."""
    form = BillingProfileForm(obj=queries.billing_profile(member.id))
    if form.validate_on_submit():
        try:
            save_billing_profile(member.id, form.values(), actor=current_user._get_current_object())
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(
                _("Billing details saved. Invoices issued from now on will show them."), "success"
            )
            return redirect(done_url, code=303)
    return render_template(template, form=form, member=member)


@bp.route("/app/billing-details", methods=["GET", "POST"])
@roles_required(*MEMBERS)
def member_edit():
    """The signed-in member's own details; there is no URL for anyone else's."""
    return _edit(current_user, "billing/profiles/member.html", url_for(".member_edit"))


@bp.route("/admin/members/<int:member_id>/billing-details", methods=["GET", "POST"])
@roles_required(*DESK)
def desk_edit(member_id: int):
    """A member's details, for the desk; 404 unless `member_id` is a member."""
    member = queries.member(member_id)
    ensure(member is not None)
    return _edit(
        member,
        "billing/profiles/desk.html",
        url_for("memberships_admin.member", user_id=member.id),
    )
