"""The invoice PDF and the receipt email.

`render_invoice` is the `billing.render_invoice` job, queued after commit for
every invoice and credit note; the download pages call it too when the job has
not run yet, so a download always works. It renders once: the file name and
the receipt email are recorded in one transaction, only while the invoice has
no PDF, so a repeated or concurrent run keeps one file and sends one email.

WeasyPrint is imported only when a PDF is made, so the app starts without its
system libraries (Pango); the job then fails with InvoiceRenderError and the
outbox retries it, then marks it failed.
"""

import base64
import logging
import secrets
from pathlib import Path

from flask import render_template
from flask_babel import force_locale, format_percent
from flask_babel import lazy_gettext as _l

from app.billing.models import Invoice, InvoiceKind, PaymentMethod
from app.config import ROOT
from app.core import signals
from app.core.db import transaction
from app.core.uploads import PDF, absolute_path, delete_file, upload_root
from app.core.urls import app_path
from app.extensions import db
from app.settings.services import gym_settings

log = logging.getLogger(__name__)

#: folder under UPLOAD_FOLDER
INVOICES = "invoices"
#: the app's icon, the invoice's logo while the gym has not uploaded its own
LOGO = ROOT / "static" / "icons" / "icon.svg"
TEMPLATES = {InvoiceKind.INVOICE: "invoice_issued", InvoiceKind.CREDIT_NOTE: "credit_note_issued"}
METHOD_LABELS = {
    PaymentMethod.CASH: _l("Cash"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.TRANSFER: _l("Bank transfer"),
    PaymentMethod.ONLINE: _l("Online payment"),
}


class InvoiceRenderError(RuntimeError):
    """The PDF could not be made: WeasyPrint or its system libraries are missing."""


def _weasyprint():
    """WeasyPrint's HTML class and URL fetcher, or InvoiceRenderError."""
    try:
        from weasyprint import HTML, URLFetcher
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are missing
        raise InvoiceRenderError(
            "WeasyPrint could not be loaded, so invoice PDFs cannot be rendered "
            "(install the Python package weasyprint and the Debian packages "
            f"libpango-1.0-0 and libpangoft2-1.0-0): {exc}"
        ) from exc
    return HTML, URLFetcher


def _logo_uri() -> str | None:
    """The gym's uploaded logo (else the icon) as a data: URL, so the renderer
    never reads files or the network."""
    uploaded = gym_settings().logo_path
    path = absolute_path(uploaded) if uploaded else None
    if path is not None:
        try:
            return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        except OSError:
            log.warning("the gym's logo %s is missing; using the icon", uploaded)
    try:
        data = LOGO.read_bytes()
    except OSError:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def tax_rate_text(rate_bp: int) -> str:
    """16 % the way the current language writes it. Raises nothing, queues nothing."""
    return format_percent(rate_bp / 10_000, "#,##0.##%")


def invoice_html(invoice: Invoice) -> str:
    """The invoice's HTML in its buyer's language. Writes nothing; raises
    nothing of its own; queues nothing."""
    with force_locale(invoice.language):
        return render_template(
            "billing/invoice_pdf.html",
            invoice=invoice,
            credited=invoice.credits_invoice,
            payment=invoice.payment,
            method=METHOD_LABELS[invoice.payment.method],
            tax_rate=tax_rate_text(invoice.tax_rate_bp),
            logo=_logo_uri(),
        )


def invoice_pdf(invoice: Invoice) -> bytes:
    """Render the invoice to PDF bytes (nothing is stored).

    Raises InvoiceRenderError when WeasyPrint cannot be loaded. Queues nothing.
    """
    html_class, fetcher_class = _weasyprint()
    fetcher = fetcher_class(allowed_protocols={"data"})
    return html_class(string=invoice_html(invoice), url_fetcher=fetcher).write_pdf()


def _store(data: bytes) -> str:
    folder = upload_root() / INVOICES
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    with open(folder / name, "xb") as out:
        out.write(data)
    return f"{INVOICES}/{name}"


def render_invoice(invoice_id: int) -> str | None:
    """Render an invoice or credit note to PDF, store it under
    UPLOAD_FOLDER/invoices/ and email it to the member.

    Does nothing when the PDF exists already. The file name and the receipt
    email are recorded in one transaction; if another run got there first,
    this run's file is removed and theirs kept. Returns the PDF's path under
    UPLOAD_FOLDER (None for an unknown invoice). Raises InvoiceRenderError
    when WeasyPrint cannot be loaded. Records the "invoice_issued" or
    "credit_note_issued" email (once per invoice, and only for a member who
    is not deleted and has an email address) and queues
    `notifications.deliver_email` for it after commit.
    """
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        log.warning("invoice %s not found; no PDF rendered", invoice_id)
        return None
    if invoice.pdf_path:
        return invoice.pdf_path
    path = _store(invoice_pdf(invoice))
    try:
        with transaction():
            invoice = db.session.get(
                Invoice, invoice_id, with_for_update=True, populate_existing=True
            )
            kept = invoice.pdf_path
            if kept is None:
                invoice.pdf_path = path
                _queue_receipt(invoice)
    except BaseException:
        delete_file(path)
        raise
    if kept is not None:  # rendered meanwhile by another run
        delete_file(path)
        return kept
    return path


def _queue_receipt(invoice: Invoice) -> None:
    """Tell the member (the email carries the PDF), once per invoice: the
    notification's key is unique."""
    member = invoice.member
    if member is None or member.is_deleted or not member.email:
        return
    credited = invoice.credits_invoice
    context = {
        "invoice_id": invoice.id,
        "name": member.name,
        "label": invoice.label,
        "credited_label": credited.label if credited else "",
        "reason": invoice.reason,
        "items": [line.description for line in invoice.lines],
        "total_minor": invoice.total_minor,
        "currency": invoice.currency,
    }
    link = app_path("billing_documents.my_payments")
    signals.tell(
        member.id, TEMPLATES[invoice.kind], link=link, key=f"invoice-{invoice.id}", **context
    )


def pdf_bytes(invoice_id: int) -> bytes | None:
    """The invoice's PDF, rendered now if the job has not run yet; None for an
    unknown invoice. A stored file that went missing is rendered again in
    place.

    Raises InvoiceRenderError when that needs WeasyPrint and it is missing.
    Queues what `render_invoice` queues when it makes the first PDF (the
    receipt email); nothing otherwise.
    """
    path = render_invoice(invoice_id)
    if path is None:
        return None
    absolute = absolute_path(path)
    try:
        return absolute.read_bytes()
    except OSError:
        log.warning("invoice %s: %s is missing; rendering it again", invoice_id, path)
    data = invoice_pdf(db.session.get(Invoice, invoice_id))
    Path(absolute).parent.mkdir(parents=True, exist_ok=True)
    Path(absolute).write_bytes(data)
    return data


def receipt_extras(template: str, *, context: dict) -> tuple[dict, list]:
    """The receipt emails' `email_extras` receiver: the issue date for the
    text, and the PDF as a real attachment (rendered now if missing, see
    `pdf_bytes`).

    Raises InvoiceRenderError when the PDF must be rendered and WeasyPrint
    is missing. Queues nothing: the email it serves was recorded with the
    PDF, so `render_invoice` finds the PDF there.
    """
    invoice = db.session.get(Invoice, context.get("invoice_id"))
    if invoice is None:
        return {}, []
    data = pdf_bytes(invoice.id)
    attachment = (f"invoice-{invoice.id}", f"{invoice.label}.pdf", PDF, data, "attachment")
    return {"issued_on": invoice.issued_on}, [attachment]
