from app.billing.models import InvoiceKind, ItemKind, PaymentMethod, PaymentStatus
from app.billing.services.payments import Sale, record_payment, refund_payment
from app.memberships import ledger


def test_cash_pack_then_refund(till):
    member = till.member()
    pack = till.pack(price_minor=116_000)
    desk = till.desk()
    payment = record_payment(
        member.id,
        [Sale(ItemKind.PACK, plan_id=pack.id)],
        method=PaymentMethod.CASH,
        actor=desk,
        tendered_minor=120_000,
    )
    assert (payment.amount_minor, payment.change_minor) == (116_000, 4_000)
    invoice = payment.invoice
    assert (invoice.number, invoice.subtotal_minor, invoice.tax_minor) == (1, 100_000, 16_000)
    assert ledger.balance(member.id) == 1000
    second = record_payment(
        member.id,
        [Sale(ItemKind.OTHER, description="Agua", price_minor=2_000)],
        method=PaymentMethod.CARD,
        actor=desk,
    )
    assert second.invoice.number == 2
    note = refund_payment(payment.id, "Cambio de opinión", actor=till.admin())
    assert note.kind is InvoiceKind.CREDIT_NOTE and note.total_minor == -116_000
    assert note.number == 1 and note.series == "NC"
    assert payment.status is PaymentStatus.REFUNDED
    assert ledger.balance(member.id) == 0
