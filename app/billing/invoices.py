"""Issuing invoices and credit notes inside the payment's transaction.

Seller and buyer are copied onto the invoice as they are at issue, so an
issued invoice never changes when the settings or the member's details do.
"""

from sqlalchemy import select

from app.billing.models import BillingProfile, Invoice, InvoiceKind, InvoiceLine, Payment
from app.billing.numbering import next_number
from app.billing.totals import add_up, line_amounts
from app.core.clock import local_date
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.extensions import db
from app.settings.services import gym_settings


def seller() -> dict:
    settings = gym_settings()
    return {
        "name": settings.legal_name or settings.gym_name,
        "gym_name": settings.gym_name,
        "tax_id": settings.tax_id,
        "address": settings.address,
    }


def buyer(member) -> dict:
    profile = db.session.get(BillingProfile, member.id) or BillingProfile()
    return {
        "name": profile.legal_name or member.name,
        "email": member.email,
        "tax_id": profile.tax_id or "",
        "fiscal_regime": profile.fiscal_regime or "",
        "invoice_use": profile.invoice_use or "",
        "postal_code": profile.postal_code or "",
    }


def priced_line(line: InvoiceLine, rate_bp: int, includes_tax: bool) -> InvoiceLine:
    """Fill in the line's subtotal, tax and total from its price and quantity."""
    amounts = line_amounts(line.unit_price_minor, line.quantity, rate_bp, includes_tax=includes_tax)
    line.subtotal_minor, line.tax_minor = amounts.subtotal_minor, amounts.tax_minor
    line.total_minor = amounts.total_minor
    return line


def reserve_number(kind: InvoiceKind) -> tuple[str, int]:
    """Lock the series and take its next number: first thing in a billing
    transaction, so every payment takes the series lock before any other
    (the audit chain included) and two payments never deadlock."""
    settings = gym_settings()
    series = settings.invoice_series if kind is InvoiceKind.INVOICE else settings.credit_note_series
    return series, next_number(series)


def issue(
    kind: InvoiceKind,
    number: tuple[str, int],
    payment: Payment,
    member,
    lines: list[InvoiceLine],
    *,
    actor,
    rate_bp: int,
    includes_tax: bool,
    credits_invoice: Invoice | None = None,
    reason: str = "",
) -> Invoice:
    """Write an invoice (or credit note) of already-priced lines under the
    (series, number) taken by `reserve_number` in the same transaction."""
    settings = gym_settings()
    series, number = number
    now = utc_now()
    totals = add_up(lines)
    for position, line in enumerate(lines, start=1):
        line.position = position
    invoice = Invoice(
        kind=kind,
        series=series,
        number=number,
        issued_at=now,
        issued_on=local_date(now, gym_zone()),
        payment=payment,
        member_id=member.id,
        credits_invoice=credits_invoice,
        reason=reason,
        issued_by_id=getattr(actor, "id", None),
        seller=seller(),
        buyer=buyer(member),
        currency=payment.currency,
        tax_rate_bp=rate_bp,
        prices_include_tax=includes_tax,
        subtotal_minor=totals.subtotal_minor,
        tax_minor=totals.tax_minor,
        total_minor=totals.total_minor,
        language=member.language or settings.default_language,
        lines=lines,
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


def invoice_of(payment_id: int) -> Invoice | None:
    return db.session.scalar(
        select(Invoice).where(Invoice.payment_id == payment_id, Invoice.kind == InvoiceKind.INVOICE)
    )
