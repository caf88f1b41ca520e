"""Read-side: a member's payments with their invoices and credit notes, one page
at a time, in a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.billing.models import Invoice, InvoiceKind, Payment
from app.extensions import db


@dataclass
class PaymentRow:
    payment: Payment
    invoice: Invoice | None = None
    credit_notes: list[Invoice] = field(default_factory=list)

    @property
    def description(self) -> str:
        lines = self.invoice.lines if self.invoice else []
        return ", ".join(line.description for line in lines)


def my_payments(member_id: int, *, page: int = 1, per_page: int = 20):
    """The member's payments, newest first, as a pagination whose items are
    PaymentRows (count, page, invoices and their lines: four queries)."""
    pagination = db.paginate(
        select(Payment)
        .where(Payment.member_id == member_id)
        .order_by(Payment.paid_at.desc(), Payment.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    rows = {payment.id: PaymentRow(payment) for payment in pagination.items}
    if rows:
        documents = db.session.scalars(
            select(Invoice)
            .where(Invoice.payment_id.in_(rows), Invoice.member_id == member_id)
            .order_by(Invoice.issued_at, Invoice.id)
        )
        for document in documents:
            row = rows[document.payment_id]
            if document.kind is InvoiceKind.INVOICE:
                row.invoice = document
            else:
                row.credit_notes.append(document)
    pagination.items = list(rows.values())
    return pagination
