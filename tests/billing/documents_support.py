"""Helpers for the invoice PDF tests: a pack sold at the desk, an invoice
stored as rows, and (from tests/tools.py) the PDF read back by pdftotext."""

from app.billing.models import ItemKind, PaymentMethod
from app.billing.services.payments import Sale, record_payment
from tests.tools import pdf_text, require_weasyprint

__all__ = ["pdf_text", "require_weasyprint", "sell_pack", "stored_invoice"]


def sell_pack(till, member, *, price_minor=116_000, tendered_minor=120_000, **pack):
    """A cash sale of a class pack at the desk; returns the payment."""
    plan = till.pack(price_minor=price_minor, **pack)
    return record_payment(
        member.id,
        [Sale(ItemKind.PACK, plan_id=plan.id)],
        method=PaymentMethod.CASH,
        actor=till.desk(),
        tendered_minor=tendered_minor,
    )


def stored_invoice(db, member) -> dict[str, int]:
    """An invoice of `member` whose PDF is already stored (nothing is rendered),
    written as rows, for the route tables: {"invoice_id": ...}."""
    from datetime import date

    from app.billing.models import Invoice, InvoiceKind, Payment
    from app.core.uploads import upload_root
    from tests.trainers.support import pdf_bytes

    folder = upload_root() / "invoices"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "route-table.pdf").write_bytes(pdf_bytes())
    payment = Payment(
        member_id=member.id, method=PaymentMethod.CARD, amount_minor=116, currency="MXN"
    )
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        series="T",
        number=1,
        issued_on=date.today(),
        payment=payment,
        member_id=member.id,
        seller={"name": "Cupo Gym"},
        buyer={"name": member.name},
        currency="MXN",
        tax_rate_bp=1600,
        prices_include_tax=True,
        subtotal_minor=100,
        tax_minor=16,
        total_minor=116,
        language="en",
        pdf_path="invoices/route-table.pdf",
    )
    db.session.add_all([payment, invoice])
    db.session.commit()
    return {"invoice_id": invoice.id}
