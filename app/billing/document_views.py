"""Invoices and credit notes: the member's own, and any for staff."""

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.billing.models import Invoice, PaymentStatus
from app.billing.queries.payments import my_payments as my_payments_query
from app.billing.services import documents
from app.core.permissions import DESK, MEMBERS, ensure, get_or_404, roles_required

bp = Blueprint("billing_documents", __name__)

STATUS_LABELS = {
    PaymentStatus.PAID: _l("Paid"),
    PaymentStatus.REFUNDED: _l("Refunded"),
    PaymentStatus.VOIDED: _l("Voided"),
}
STATUS_BADGES = {
    PaymentStatus.PAID: "bg-success-lt",
    PaymentStatus.REFUNDED: "bg-warning-lt",
    PaymentStatus.VOIDED: "bg-secondary-lt",
}


def _send_pdf(invoice: Invoice, fallback: str):
    """The PDF inline, rendered now if its job has not run; when it cannot be
    rendered (no WeasyPrint here) the person is sent back with a message."""
    try:
        data = documents.pdf_bytes(invoice.id)
    except documents.InvoiceRenderError:
        flash(_("This document isn't ready yet. Please try again in a few minutes."), "warning")
        return redirect(fallback)
    response = send_file(
        BytesIO(data),
        mimetype="application/pdf",
        download_name=f"{invoice.label}.pdf",
        as_attachment=False,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private"
    return response


@bp.get("/app/payments")
@roles_required(*MEMBERS)
def my_payments():
    """The member's payments, newest first, with their invoices and credit notes."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return render_template(
        "billing/my_payments.html",
        payments=my_payments_query(current_user.id, page=page),
        method_labels=documents.METHOD_LABELS,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
    )


@bp.get("/app/invoices/<int:invoice_id>.pdf")
@roles_required(*MEMBERS)
def member_pdf(invoice_id: int):
    """The member's own invoice or credit note; another member's is a 404."""
    invoice = get_or_404(Invoice, invoice_id)
    ensure(invoice.member_id == current_user.id)
    return _send_pdf(invoice, url_for("billing_documents.my_payments"))


@bp.get("/admin/billing/invoices/<int:invoice_id>.pdf")
@roles_required(*DESK)
def staff_pdf(invoice_id: int):
    """Any invoice or credit note, for the front desk and admins."""
    invoice = get_or_404(Invoice, invoice_id)
    return _send_pdf(invoice, url_for("admin.dashboard"))
