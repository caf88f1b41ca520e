"""Invoices and credit notes (invariant 4): unbroken numbers per series, never
changed once issued, corrected by credit notes that take back what was sold."""

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select, text

from app.billing.models import (
    BillingProfile,
    Invoice,
    InvoiceKind,
    InvoiceSeries,
    ItemKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from app.billing.services.payments import BillingError, refund_payment
from app.booking.models import Booking, BookingStatus
from app.booking.services.bookings import book_now
from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from app.core.jobs import OutboxJob
from app.memberships import ledger
from app.memberships.models import (
    CreditLot,
    EntryKind,
    LedgerEntry,
    Membership,
    MembershipStatus,
)
from app.memberships.queries import unlimited_membership_on
from app.settings.models import DEFAULTS, GymSettings
from tests.billing.conftest import NOW
from tests.billing.support import drop_in, other, pack_sale, pay, plan_sale, row_counts

TODAY = NOW.date()


def settings_changed(db, **values) -> None:
    settings = db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
    for name, value in values.items():
        setattr(settings, name, value)
    db.session.add(settings)
    db.session.commit()
    g.pop("gym_settings", None)  # the request's cached copy


def refund_refused(payment_id, reason="Error de captura", **kwargs):
    before = row_counts()
    with pytest.raises((BillingError, AccessDenied)) as caught:
        refund_payment(payment_id, reason, **kwargs)
    assert row_counts() == before
    return caught.value


def stored_rows(db, invoice_id: int) -> tuple[dict, list[dict]]:
    """The invoice's row and its lines' rows as stored, column by column."""
    invoice = db.session.execute(
        text("SELECT * FROM invoices WHERE id = :id"), {"id": invoice_id}
    ).mappings()
    lines = db.session.execute(
        text("SELECT * FROM invoice_lines WHERE invoice_id = :id ORDER BY id"), {"id": invoice_id}
    ).mappings()
    return dict(invoice.one()), [dict(line) for line in lines]


# ---- numbers -----------------------------------------------------------------------------


def test_invoices_are_numbered_one_two_three(db, till):
    desk = till.desk()

    numbers = [pay(till.member(), other(), actor=desk).invoice for _ in range(3)]

    assert [(i.series, i.number, i.label) for i in numbers] == [
        ("A", 1, "A-000001"),
        ("A", 2, "A-000002"),
        ("A", 3, "A-000003"),
    ]
    assert db.session.get(InvoiceSeries, "A").next_number == 4


def test_a_refused_payment_does_not_use_up_a_number(db, till):
    member, desk = till.member(), till.desk()
    first = pay(member, other(price_minor=2_000), actor=desk)
    with pytest.raises(BillingError):
        pay(
            member,
            other(price_minor=2_000),
            actor=desk,
            method=PaymentMethod.CASH,
            tendered_minor=1_000,
        )
    with pytest.raises(BillingError):
        pay(member, pack_sale(till.pack()), other(description=""), actor=desk)

    second = pay(member, other(), actor=desk)

    assert (first.invoice.number, second.invoice.number) == (1, 2)
    assert db.session.get(InvoiceSeries, "A").next_number == 3


def test_a_new_series_starts_at_one_and_the_old_one_keeps_its_place(db, till):
    desk = till.desk()
    pay(till.member(), other(), actor=desk)
    settings_changed(db, invoice_series="B")

    in_b = [pay(till.member(), other(), actor=desk).invoice for _ in range(2)]
    settings_changed(db, invoice_series="A")
    back_in_a = pay(till.member(), other(), actor=desk).invoice

    assert [(i.series, i.number) for i in in_b] == [("B", 1), ("B", 2)]
    assert (back_in_a.series, back_in_a.number) == ("A", 2)


def test_credit_notes_have_their_own_series_and_reference_the_invoice(db, till):
    desk, admin = till.desk(), till.admin()
    payments = [pay(till.member(), other(), actor=desk) for _ in range(3)]

    notes = [refund_payment(p.id, "Cobro duplicado", actor=admin) for p in payments[1:]]
    later = pay(till.member(), other(), actor=desk).invoice

    assert [(n.kind, n.series, n.number) for n in notes] == [
        (InvoiceKind.CREDIT_NOTE, "NC", 1),
        (InvoiceKind.CREDIT_NOTE, "NC", 2),
    ]
    assert [n.credits_invoice_id for n in notes] == [p.invoice.id for p in payments[1:]]
    assert [n.payment_id for n in notes] == [p.id for p in payments[1:]]
    assert notes[0].reason == "Cobro duplicado" and notes[0].label == "NC-000001"
    assert (later.series, later.number) == ("A", 4)
    assert payments[1].invoice.id == notes[0].credits_invoice.id  # the invoice, not the note


# ---- the credit note ----------------------------------------------------------------------


def test_a_credit_note_mirrors_every_line_of_the_invoice(db, till):
    member, desk = till.member(), till.desk()
    payment = pay(
        member,
        plan_sale(till.unlimited_plan()),
        pack_sale(till.pack()),
        drop_in(till.session()),
        other("Toalla", 12_345, quantity=2),
        actor=desk,
    )
    invoice = payment.invoice

    note = refund_payment(payment.id, "Devolución", actor=till.admin())

    assert len(note.lines) == len(invoice.lines) == 4
    for mine, theirs in zip(note.lines, invoice.lines, strict=True):
        assert (mine.kind, mine.description, mine.quantity, mine.position) == (
            theirs.kind,
            theirs.description,
            theirs.quantity,
            theirs.position,
        )
        assert (mine.unit_price_minor, mine.subtotal_minor, mine.tax_minor, mine.total_minor) == (
            -theirs.unit_price_minor,
            -theirs.subtotal_minor,
            -theirs.tax_minor,
            -theirs.total_minor,
        )
        assert (mine.plan_id, mine.membership_id, mine.lot_id, mine.booking_id) == (
            theirs.plan_id,
            theirs.membership_id,
            theirs.lot_id,
            theirs.booking_id,
        )
    assert (note.subtotal_minor, note.tax_minor, note.total_minor) == (
        -invoice.subtotal_minor,
        -invoice.tax_minor,
        -invoice.total_minor,
    )
    assert note.total_minor == note.subtotal_minor + note.tax_minor
    assert note.member_id == member.id and note.currency == invoice.currency


def test_a_credit_note_keeps_the_invoices_tax_even_after_the_tax_changes(db, till):
    payment = pay(till.member(), other(price_minor=11_600), actor=till.desk())
    settings_changed(db, tax_rate_bp=0, prices_include_tax=False)

    note = refund_payment(payment.id, "Devolución", actor=till.admin())

    assert (note.tax_rate_bp, note.prices_include_tax) == (1600, True)
    assert (note.subtotal_minor, note.tax_minor, note.total_minor) == (-10_000, -1_600, -11_600)


def test_a_refund_queues_the_credit_notes_render_job(db, till):
    payment = pay(till.member(), other(), actor=till.desk())

    note = refund_payment(payment.id, "Devolución", actor=till.admin())

    args = db.session.scalars(
        select(OutboxJob.args)
        .where(OutboxJob.name == "billing.render_invoice")
        .order_by(OutboxJob.id)
    ).all()
    assert args == [[payment.invoice.id], [note.id]]


# ---- refund and void take back what was sold ------------------------------------------------


def test_refunding_a_pack_removes_only_the_unspent_credits(db, till):
    member, desk, admin = till.member(), till.desk(), till.admin()
    payment = pay(member, pack_sale(till.pack(credits=10)), actor=desk)
    lot_id = payment.invoice.lines[0].lot_id
    spent = [
        book_now(till.session(credits=c).id, member, actor=member, overlap_ok=True)  # one time
        for c in (1, 2)
    ]
    assert ledger.balance(member.id) == 700

    refund_payment(payment.id, "Se mudó de ciudad", actor=admin)

    assert ledger.balance(member.id) == 0
    assert db.session.get(CreditLot, lot_id, populate_existing=True).remaining_cc == 0
    for booking in spent:  # credits already spent stay spent: the classes stay booked
        booking = db.session.get(Booking, booking.id, populate_existing=True)
        assert booking.status is BookingStatus.CONFIRMED
        assert ledger.spend_for(booking.id).amount_cc == -booking.credits_cc
    taken = db.session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.member_id == member.id, LedgerEntry.kind == EntryKind.ADJUSTMENT
        )
    ).all()
    assert [(e.amount_cc, e.reason, e.actor_id) for e in taken] == [
        (-700, "Se mudó de ciudad", admin.id)
    ]
    assert ledger.check_ledger() == []


def test_refunding_a_pack_leaves_the_members_other_credits_alone(db, till):
    member = till.member(credits=3)  # a lot of its own, bought before
    payment = pay(member, pack_sale(till.pack(credits=10)), actor=till.desk())

    refund_payment(payment.id, "Devolución", actor=till.admin())

    assert ledger.balance(member.id) == 300
    assert ledger.check_ledger() == []


def test_refunding_a_pack_whose_credits_were_all_spent_takes_nothing(db, till):
    member = till.member()
    payment = pay(member, pack_sale(till.pack(credits=1)), actor=till.desk())
    book_now(till.session(credits=1).id, member, actor=member)

    refund_payment(payment.id, "Devolución", actor=till.admin())

    assert ledger.balance(member.id) == 0
    assert ledger.check_ledger() == []


def test_refunding_a_plan_cancels_the_membership(db, till):
    member = till.member()
    payment = pay(member, plan_sale(till.unlimited_plan()), actor=till.desk())
    membership_id = payment.invoice.lines[0].membership_id

    refund_payment(payment.id, "Devolución", actor=till.admin())

    membership = db.session.get(Membership, membership_id, populate_existing=True)
    assert membership.status is MembershipStatus.CANCELLED
    assert (membership.renews_on, membership.cancelled_at) == (None, NOW)
    assert unlimited_membership_on(member.id, TODAY) is None


def test_refunding_a_drop_in_cancels_the_booking(db, till):
    member, cs = till.member(), till.session(capacity=1)
    payment = pay(member, drop_in(cs), actor=till.desk())
    booking_id = payment.invoice.lines[0].booking_id

    refund_payment(payment.id, "No pudo venir", actor=till.admin())

    booking = db.session.get(Booking, booking_id, populate_existing=True)
    assert booking.status is BookingStatus.CANCELLED
    other_member = till.member(credits=1)
    assert book_now(cs.id, other_member, actor=other_member).is_active  # the spot is free
    assert ledger.check_ledger() == []


def test_a_refund_is_audited_and_marks_the_payment_refunded(db, till):
    payment = pay(till.member(), other(), actor=till.desk())
    admin = till.admin()

    note = refund_payment(payment.id, "  Devolución  ", actor=admin)

    assert db.session.get(Payment, payment.id).status is PaymentStatus.REFUNDED
    assert note.reason == "Devolución" and note.issued_by_id == admin.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "payment.refunded"))
    assert (entry.entity_id, entry.actor_id) == (str(payment.id), admin.id)
    assert entry.after == {
        "credit_note": "NC-000001",
        "invoice": payment.invoice.label,
        "reason": "Devolución",
    }


def test_a_void_marks_the_payment_voided_with_its_own_audit_action(db, till):
    member = till.member()
    payment = pay(member, pack_sale(till.pack()), actor=till.desk())

    note = refund_payment(payment.id, "Se registró dos veces", actor=till.admin(), void=True)

    assert db.session.get(Payment, payment.id).status is PaymentStatus.VOIDED
    assert note.kind is InvoiceKind.CREDIT_NOTE and note.total_minor == -payment.amount_minor
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("payment.%"))
    ).all()
    assert actions == ["payment.recorded", "payment.voided"]
    assert ledger.balance(member.id) == 0  # a void takes back the same as a refund


@pytest.mark.parametrize("void", [False, True])
def test_a_payment_is_given_back_only_once(db, till, void):
    payment = pay(till.member(), pack_sale(till.pack()), actor=till.desk())
    admin = till.admin()
    refund_payment(payment.id, "Devolución", actor=admin, void=void)

    for again in (False, True):
        error = refund_refused(payment.id, actor=admin, void=again)
        assert str(error) == "This payment was already refunded or voided."


def test_an_unknown_payment_cannot_be_refunded(db, till):
    error = refund_refused(10**6, actor=till.admin())

    assert str(error) == "We couldn't find that payment."


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_refund_needs_a_reason(db, till, reason):
    payment = pay(till.member(), other(), actor=till.desk())

    error = refund_refused(payment.id, reason, actor=till.admin())

    assert (str(error), error.field) == ("Give a reason.", "reason")
    assert db.session.get(Payment, payment.id).status is PaymentStatus.PAID


def test_a_reason_too_long_is_refused(db, till):
    payment = pay(till.member(), other(), actor=till.desk())

    error = refund_refused(payment.id, "x" * 501, actor=till.admin())

    assert (str(error), error.field) == ("Use at most 500 characters.", "reason")


@pytest.mark.parametrize("who", ["front_desk", "trainer", "member", "nobody"])
def test_only_admins_give_money_back(db, till, factories, who):
    payment = pay(till.member(), other(), actor=till.desk())
    actor = None if who == "nobody" else getattr(factories, who)()

    for void in (False, True):
        error = refund_refused(payment.id, actor=actor, void=void)
        assert isinstance(error, AccessDenied)


# ---- an issued invoice never changes ----------------------------------------------------------


def test_seller_and_buyer_are_kept_as_they_were_at_issue(db, till):
    member = till.member(name="Ana Pérez")
    db.session.add(
        BillingProfile(
            member_id=member.id,
            legal_name="Ana Pérez López",
            tax_id="PELA800101AB1",
            fiscal_regime="605",
            invoice_use="G03",
            postal_code="06700",
        )
    )
    db.session.commit()
    settings_changed(db, legal_name="Cupo Fitness SA de CV", tax_id="CFI010101AAA", address="Roma")
    payment = pay(member, other(), actor=till.desk())
    seller, buyer = dict(payment.invoice.seller), dict(payment.invoice.buyer)
    assert seller == {
        "name": "Cupo Fitness SA de CV",
        "gym_name": "Cupo Gym",
        "tax_id": "CFI010101AAA",
        "address": "Roma",
    }
    assert buyer == {
        "name": "Ana Pérez López",
        "email": member.email,
        "tax_id": "PELA800101AB1",
        "fiscal_regime": "605",
        "invoice_use": "G03",
        "postal_code": "06700",
    }

    settings_changed(db, legal_name="Otra Razón SA", tax_id="OTR020202BBB", address="Condesa")
    profile = db.session.get(BillingProfile, member.id)
    profile.legal_name, profile.tax_id, profile.postal_code = "Ana P.", "XAXX010101000", "01000"
    member.name, member.email = "Ana P. L.", "ana.nueva@example.com"
    db.session.commit()
    note = refund_payment(payment.id, "Devolución", actor=till.admin())

    invoice = db.session.get(Invoice, payment.invoice.id, populate_existing=True)
    assert (invoice.seller, invoice.buyer) == (seller, buyer)
    # the credit note, issued now, carries the details as they are now
    assert note.seller["name"] == "Otra Razón SA" and note.buyer["tax_id"] == "XAXX010101000"


def test_a_refund_never_updates_the_invoice_rows(db, till):
    member = till.member()
    payment = pay(
        member,
        plan_sale(till.unlimited_plan()),
        pack_sale(till.pack()),
        drop_in(till.session()),
        other(quantity=2),
        actor=till.desk(),
    )
    invoice_id = payment.invoice.id
    before = stored_rows(db, invoice_id)

    note = refund_payment(payment.id, "Devolución", actor=till.admin())

    assert stored_rows(db, invoice_id) == before
    assert stored_rows(db, note.id)[0]["credits_invoice_id"] == invoice_id


def test_invoice_lines_point_only_at_their_own_invoice(db, till):
    payment = pay(till.member(), other(), other("Toalla", 5_000), actor=till.desk())
    note = refund_payment(payment.id, "Devolución", actor=till.admin())

    assert {line.invoice_id for line in payment.invoice.lines} == {payment.invoice.id}
    assert {line.invoice_id for line in note.lines} == {note.id}
    assert db.session.scalars(
        select(Invoice.kind).where(Invoice.payment_id == payment.id).order_by(Invoice.id)
    ).all() == [InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE]


def test_the_invoice_date_is_the_gyms_local_day(db, till, clock):
    clock(NOW.replace(hour=5, minute=30) + timedelta(days=1))  # 23:30 on 1 December, local

    invoice = pay(till.member(), other(), actor=till.desk()).invoice

    assert invoice.issued_on == TODAY
    assert ItemKind.OTHER is invoice.lines[0].kind
