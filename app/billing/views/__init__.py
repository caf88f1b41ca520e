"""Billing's pages, one module per audience: `staff` (the desk's till, any
invoice's PDF, a member's billing details at the desk, the gateway's events),
`member` (the shop, its orders and the sandbox checkout, the member's
payments, invoices and billing details) and `public` (the gateways' webhook
endpoint).

Three of the four blueprints carry pages of more than one audience under one
name (and so one set of endpoint names), so all four are made here and each
audience module adds its routes to them; importing this package gives them
whole. The two page helpers both audiences use live here too.
"""

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from app.billing.forms import LEGAL_NAME_ABOUT_MEMBER, BillingProfileForm
from app.billing.models import Invoice
from app.billing.queries.payments import billing_profile
from app.billing.services import documents
from app.billing.services.profiles import save_billing_profile
from app.core.errors import DomainError
from app.core.forms import apply_error

#: the desk's till: payments, refunds, the cash drawer, renewals due
desk_bp = Blueprint("billing_desk", __name__, url_prefix="/admin/billing")
#: invoices and credit notes: the member's own, and any for staff
documents_bp = Blueprint("billing_documents", __name__)
#: buying online: the shop, the gateway's checkout, webhooks and their events
online_bp = Blueprint("billing_online", __name__)
#: billing details: the member's own, and the desk's page for any member
profiles_bp = Blueprint("billing_profiles", __name__)


def send_pdf(invoice: Invoice, fallback: str):
    """The PDF inline, rendered now if its job has not run; when it cannot be
    rendered (no WeasyPrint here) the person is sent back with a message."""
    try:
        data = documents.pdf_bytes(invoice.id)
    except documents.InvoiceRenderError:
        flash(_("This document isn't ready yet. Please try again in a few minutes."), "warning")
        return redirect(fallback)
    # not cached: the kernel's headers say no-store to whoever is signed in
    return send_file(
        BytesIO(data),
        mimetype="application/pdf",
        download_name=f"{invoice.label}.pdf",
        as_attachment=False,
        max_age=0,
    )


def edit_billing_profile(user, template: str, done_url: str):
    """GET: the form filled with the saved details; POST: save, or re-render
    with errors. Both pages call `save_billing_profile`, whose refusals come
    back as field errors; the details go on invoices issued after they are saved."""
    form = BillingProfileForm(obj=billing_profile(user.id))
    if user.id != current_user.id:  # staff read about the member, not to them
        form.legal_name.description = LEGAL_NAME_ABOUT_MEMBER
    if form.validate_on_submit():
        try:
            save_billing_profile(user.id, form.values(), actor=current_user._get_current_object())
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(
                _("Billing details saved. Invoices issued from now on will show them."), "success"
            )
            return redirect(done_url, code=303)
    return render_template(template, form=form, member=user)


from app.billing.views import member, public, staff  # noqa: E402, F401  (their routes)
