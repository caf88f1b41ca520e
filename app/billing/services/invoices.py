"""Issuing invoices and credit notes inside the payment's transaction.

Numbers come in an unbroken sequence per series (invariant 4): the series
row is locked (FOR UPDATE; SQLite holds its write lock already) inside the
transaction that issues the invoice, so two payments never share or skip a
number: a rolled-back payment gives its number back with it.

Amounts: tax is worked out of tax-inclusive prices, or added to
tax-exclusive ones, rounded half away from zero per line. An invoice's
subtotal, tax and total are the sums of its lines', so the total is always
exactly the lines plus tax (invariant 4).

Seller and buyer are copied onto the invoice as they are at issue, so an
issued invoice never changes when the settings or the member's details do.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.billing.models import (
    BillingProfile,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSeries,
    Payment,
)
from app.core.clock import local_date
from app.core.db import is_sqlite
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.extensions import db
from app.settings.services import gym_settings

BP = 10_000  # basis points in 1


# ---- amounts ----------------------------------------------------------------


def _divide(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return quotient if numerator >= 0 else -quotient


@dataclass(frozen=True)
class Amounts:
    subtotal_minor: int
    tax_minor: int
    total_minor: int


def line_amounts(unit_price_minor: int, quantity: int, rate_bp: int, *, includes_tax: bool):
    """Amounts of one line; negative prices (credit notes) mirror positive ones.

    Arithmetic only: raises nothing, queues nothing.
    """
    amount = unit_price_minor * quantity
    if includes_tax:
        subtotal = _divide(amount * BP, BP + rate_bp)
        return Amounts(subtotal, amount - subtotal, amount)
    tax = _divide(amount * rate_bp, BP)
    return Amounts(amount, tax, amount + tax)


def add_up(lines) -> Amounts:
    """The sums of lines that have subtotal_minor, tax_minor and total_minor.

    Arithmetic only: raises nothing, queues nothing.
    """
    lines = list(lines)
    return Amounts(
        sum(line.subtotal_minor for line in lines),
        sum(line.tax_minor for line in lines),
        sum(line.total_minor for line in lines),
    )


def priced_line(line: InvoiceLine, rate_bp: int, includes_tax: bool) -> InvoiceLine:
    """Fill in the line's subtotal, tax and total from its price and quantity.

    Changes the line object only: raises nothing, queues nothing.
    """
    amounts = line_amounts(line.unit_price_minor, line.quantity, rate_bp, includes_tax=includes_tax)
    line.subtotal_minor, line.tax_minor = amounts.subtotal_minor, amounts.tax_minor
    line.total_minor = amounts.total_minor
    return line


# ---- numbers ----------------------------------------------------------------


def next_number(series: str) -> int:
    """Take the series' next number (creating the series at 1); call inside
    the issuing transaction, which it does not open.

    Raises nothing of its own: a lock wait that runs out is the enclosing
    `transaction()`'s Busy. Queues nothing.
    """
    insert = sqlite_insert if is_sqlite() else pg_insert
    db.session.execute(
        insert(InvoiceSeries).values(code=series, next_number=1).on_conflict_do_nothing()
    )
    row = db.session.get(InvoiceSeries, series, with_for_update=True, populate_existing=True)
    number = row.next_number
    row.next_number = number + 1
    return number


def reserve_number(kind: InvoiceKind) -> tuple[str, int]:
    """Lock the series and take its next number: first thing in a billing
    transaction, so every payment takes the series lock before any other
    (the audit chain included) and two payments never deadlock.

    Raises nothing of its own (see `next_number`). Queues nothing.
    """
    settings = gym_settings()
    series = settings.invoice_series if kind is InvoiceKind.INVOICE else settings.credit_note_series
    return series, next_number(series)


# ---- issuing ----------------------------------------------------------------


def seller() -> dict:
    """The gym as an invoice names it, from the settings now.

    Reads only: raises nothing, queues nothing.
    """
    settings = gym_settings()
    return {
        "name": settings.legal_name or settings.gym_name,
        "gym_name": settings.gym_name,
        "tax_id": settings.tax_id,
        "address": settings.address,
    }


def buyer(member) -> dict:
    """The member as an invoice names them, from their billing details now.

    Reads only: raises nothing, queues nothing.
    """
    profile = db.session.get(BillingProfile, member.id) or BillingProfile()
    return {
        "name": profile.legal_name or member.name,
        "email": member.email,
        "tax_id": profile.tax_id or "",
        "fiscal_regime": profile.fiscal_regime or "",
        "invoice_use": profile.invoice_use or "",
        "postal_code": profile.postal_code or "",
    }


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
    (series, number) taken by `reserve_number` in the same transaction,
    which it does not open (it flushes).

    Checks nothing and raises nothing of its own. Queues nothing: the caller
    queues the PDF (`billing.render_invoice`).
    """
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
    """The payment's invoice (not its credit notes), or None.

    Reads only: raises nothing, queues nothing.
    """
    return db.session.scalar(
        select(Invoice).where(Invoice.payment_id == payment_id, Invoice.kind == InvoiceKind.INVOICE)
    )
