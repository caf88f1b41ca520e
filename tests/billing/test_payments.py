"""Taking a payment: what each kind of sale delivers, cash and change, the
refusals (each with its field, writing nothing), who may take money, and what
follows (audit entry, the invoice's render job)."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.billing.models import (
    InvoiceKind,
    ItemKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from app.billing.services.payments import MAX_PRICE_MINOR, BillingError, Sale
from app.booking.models import Booking, BookingStatus
from app.booking.services.bookings import book_now
from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from app.core.jobs import OutboxJob
from app.memberships import ledger
from app.memberships.models import CreditLot, LedgerEntry, Membership, MembershipStatus
from app.memberships.queries import unlimited_membership_on
from app.memberships.rules import end_of_day
from tests.billing.conftest import NOW
from tests.billing.support import drop_in, other, pack_sale, pay, plan_sale, row_counts

CASH, CARD, TRANSFER, ONLINE = (
    PaymentMethod.CASH,
    PaymentMethod.CARD,
    PaymentMethod.TRANSFER,
    PaymentMethod.ONLINE,
)
TODAY = date(2026, 12, 1)


def at(day: date) -> datetime:
    return NOW.replace(year=day.year, month=day.month, day=day.day)


def refused(call, *args, **kwargs) -> BillingError:
    """Run a payment that must be refused; return the error after checking
    that nothing at all was written."""
    before = row_counts()
    with pytest.raises(BillingError) as caught:
        call(*args, **kwargs)
    assert row_counts() == before
    return caught.value


# ---- what each sale delivers ---------------------------------------------------------


def test_a_plan_starts_a_membership_today_when_there_is_none(db, till):
    member, plan = till.member(), till.unlimited_plan(price_minor=89_900)

    payment = pay(member, plan_sale(plan), actor=till.desk())

    line = payment.invoice.lines[0]
    membership = db.session.get(Membership, line.membership_id)
    assert (line.kind, line.plan_id, line.description) == (ItemKind.PLAN, plan.id, plan.name)
    assert (membership.member_id, membership.plan_id, membership.status) == (
        member.id,
        plan.id,
        MembershipStatus.ACTIVE,
    )
    assert (membership.period_start, membership.period_end, membership.renews_on) == (
        TODAY,
        date(2026, 12, 31),
        date(2027, 1, 1),
    )
    assert membership.payment_note == "paid, see invoice"
    assert payment.amount_minor == 89_900 and payment.status is PaymentStatus.PAID


def test_a_plan_paid_early_renews_the_membership_without_a_gap(db, till, clock):
    member, plan, desk = till.member(), till.unlimited_plan(), till.desk()
    first = pay(member, plan_sale(plan), actor=desk).invoice.lines[0].membership_id
    clock(at(date(2026, 12, 20)))

    renewal = pay(member, plan_sale(plan), actor=desk).invoice.lines[0].membership_id

    old, new = db.session.get(Membership, first), db.session.get(Membership, renewal)
    assert old.status is MembershipStatus.ACTIVE and old.period_end == date(2026, 12, 31)
    assert (new.period_start, new.period_end) == (date(2027, 1, 1), date(2027, 1, 31))
    assert unlimited_membership_on(member.id, date(2027, 1, 1)).id == new.id


def test_a_plan_paid_after_the_membership_lapsed_starts_today(db, till, clock):
    member, plan, desk = till.member(), till.unlimited_plan(), till.desk()
    pay(member, plan_sale(plan), actor=desk)
    clock(at(date(2027, 1, 20)))

    renewal = pay(member, plan_sale(plan), actor=desk).invoice.lines[0].membership_id

    new = db.session.get(Membership, renewal)
    assert (new.period_start, new.period_end) == (date(2027, 1, 20), date(2027, 2, 19))


def test_a_plan_paid_by_a_past_due_member_starts_today_and_closes_the_old_period(db, till, clock):
    member, plan, desk = till.member(), till.unlimited_plan(), till.desk()
    first = pay(member, plan_sale(plan), actor=desk).invoice.lines[0].membership_id
    db.session.get(Membership, first).status = MembershipStatus.PAST_DUE
    db.session.commit()
    clock(at(date(2027, 1, 3)))

    renewal = pay(member, plan_sale(plan), actor=desk).invoice.lines[0].membership_id

    assert db.session.get(Membership, first).status is MembershipStatus.EXPIRED
    assert db.session.get(Membership, renewal).period_start == date(2027, 1, 3)


def test_a_pack_adds_a_lot_of_credits(db, till):
    member, pack = till.member(), till.pack(credits=10, days=60, price_minor=120_000)

    payment = pay(member, pack_sale(pack), actor=till.desk())

    line = payment.invoice.lines[0]
    lot = db.session.get(CreditLot, line.lot_id)
    assert (lot.member_id, lot.granted_cc, lot.remaining_cc) == (member.id, 1000, 1000)
    assert lot.membership_id == line.membership_id
    assert lot.expires_at == end_of_day(date(2027, 1, 30))
    assert ledger.balance(member.id) == 1000
    assert ledger.check_ledger() == []


def test_a_drop_in_books_the_class_and_spends_no_credits(db, till):
    member, cs = till.member(credits=3), till.session(credits=2)

    payment = pay(member, drop_in(cs, price_minor=15_000), actor=till.desk())

    line = payment.invoice.lines[0]
    booking = db.session.get(Booking, line.booking_id)
    assert (booking.session_id, booking.member_id, booking.status) == (
        cs.id,
        member.id,
        BookingStatus.CONFIRMED,
    )
    assert (booking.credits_cc, booking.membership_id) == (0, None)
    assert ledger.balance(member.id) == 300
    assert (
        db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.booking_id == booking.id))
        is None
    )
    assert line.kind is ItemKind.DROP_IN and line.description.startswith(cs.class_type.name)
    assert payment.amount_minor == 15_000


def test_a_drop_in_needs_no_credits_or_membership_at_all(db, till):
    member, cs = till.member(), till.session(credits=1)

    payment = pay(member, drop_in(cs), actor=till.desk())

    assert db.session.get(Booking, payment.invoice.lines[0].booking_id).is_active


def test_an_other_item_with_a_quantity(db, till):
    member = till.member()

    payment = pay(member, other("Agua 1 L", 2_000, quantity=3), actor=till.desk())

    (line,) = payment.invoice.lines
    assert (line.kind, line.description, line.quantity, line.unit_price_minor) == (
        ItemKind.OTHER,
        "Agua 1 L",
        3,
        2_000,
    )
    assert (line.subtotal_minor, line.tax_minor, line.total_minor) == (5_172, 828, 6_000)
    assert payment.amount_minor == 6_000


def test_several_sales_on_one_invoice_add_up(db, till):
    member, desk = till.member(), till.desk()
    plan, pack, cs = till.unlimited_plan(price_minor=89_900), till.pack(), till.session()

    payment = pay(
        member,
        plan_sale(plan),
        pack_sale(pack, price_minor=100_000),
        drop_in(cs, 15_000),
        other("Toalla", 12_345, quantity=2),
        actor=desk,
    )

    invoice = payment.invoice
    assert [line.position for line in invoice.lines] == [1, 2, 3, 4]
    assert [line.kind for line in invoice.lines] == [
        ItemKind.PLAN,
        ItemKind.PACK,
        ItemKind.DROP_IN,
        ItemKind.OTHER,
    ]
    assert invoice.total_minor == 89_900 + 100_000 + 15_000 + 24_690 == payment.amount_minor
    assert invoice.subtotal_minor == sum(line.subtotal_minor for line in invoice.lines)
    assert invoice.tax_minor == sum(line.tax_minor for line in invoice.lines)
    assert invoice.total_minor == invoice.subtotal_minor + invoice.tax_minor


def test_the_price_entered_overrides_the_plans(db, till):
    member, plan = till.member(), till.unlimited_plan(price_minor=89_900)

    payment = pay(member, plan_sale(plan, price_minor=79_900), actor=till.desk())

    assert payment.amount_minor == 79_900 == payment.invoice.lines[0].unit_price_minor


def test_prices_without_tax_get_it_added(db, till):
    from flask import g

    from app.settings.models import DEFAULTS, GymSettings

    db.session.merge(GymSettings(id=1, **{**DEFAULTS, "prices_include_tax": False}))
    db.session.commit()
    g.pop("gym_settings", None)

    payment = pay(till.member(), other("Batido", 10_000), actor=till.desk())

    invoice = payment.invoice
    assert (invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor) == (
        10_000,
        1_600,
        11_600,
    )
    assert invoice.prices_include_tax is False and payment.amount_minor == 11_600


# ---- cash and change ------------------------------------------------------------------


def test_cash_handed_over_exactly_gives_no_change(db, till):
    payment = pay(
        till.member(),
        other(price_minor=2_000),
        actor=till.desk(),
        method=CASH,
        tendered_minor=2_000,
    )

    assert (payment.tendered_minor, payment.change_minor) == (2_000, 0)


def test_more_cash_than_the_total_gives_change(db, till):
    payment = pay(
        till.member(),
        other(price_minor=2_350),
        actor=till.desk(),
        method=CASH,
        tendered_minor=5_000,
    )

    assert (payment.amount_minor, payment.tendered_minor, payment.change_minor) == (
        2_350,
        5_000,
        2_650,
    )


@pytest.mark.parametrize("tendered", [None, 0, 226_899, -5_000])
def test_too_little_cash_is_refused_and_writes_nothing(db, till, outbox, tendered):
    member, desk = till.member(), till.desk()
    plan, pack, cs = till.unlimited_plan(), till.pack(), till.session()

    error = refused(  # 899.00 + 1,200.00 + 150.00 + 20.00 = 2,269.00
        pay,
        member,
        plan_sale(plan),
        pack_sale(pack),
        drop_in(cs),
        other(price_minor=2_000),
        actor=desk,
        method=CASH,
        tendered_minor=tendered,
    )

    assert (str(error), error.field) == ("The cash handed over must cover the total.", "tendered")
    assert outbox == []
    assert unlimited_membership_on(member.id, TODAY) is None
    assert ledger.balance(member.id) == 0


@pytest.mark.parametrize("method", [CARD, TRANSFER])
def test_other_methods_ignore_cash_tendered(db, till, method):
    payment = pay(
        till.member(),
        other(price_minor=2_000),
        actor=till.desk(),
        method=method,
        tendered_minor=50_000,
        reference="  T-123  ",
    )

    assert (payment.tendered_minor, payment.change_minor) == (None, 0)
    assert payment.method is method and payment.reference == "T-123"


def test_an_online_payment_comes_from_the_gateway_without_an_actor(db, till):
    member, pack = till.member(), till.pack()

    payment = pay(member, pack_sale(pack), actor=None, method=ONLINE, reference="ch_123")

    assert (payment.method, payment.recorded_by_id, payment.reference) == (ONLINE, None, "ch_123")
    assert payment.invoice.issued_by_id is None
    assert ledger.balance(member.id) == 1000


# ---- refusals: each with its field, nothing written -----------------------------------------


def test_an_unknown_member_is_refused(db, till):
    error = refused(pay, type("Nobody", (), {"id": 10**6})(), other(), actor=till.desk())

    assert (str(error), error.field) == ("This person is not a member.", "member")


@pytest.mark.parametrize("role", ["trainer", "front_desk", "admin"])
def test_a_staff_account_cannot_be_the_buyer(db, till, factories, role):
    staff = getattr(factories, role)()

    error = refused(pay, staff, other(), actor=till.desk())

    assert (str(error), error.field) == ("This person is not a member.", "member")


def test_a_deleted_member_is_refused(db, till):
    member = till.member()
    member.deleted_at = NOW - timedelta(days=1)
    db.session.commit()

    error = refused(pay, member, other(), actor=till.desk())

    assert error.field == "member"


def test_a_plan_no_longer_offered_is_refused(db, till):
    plan = till.unlimited_plan(is_active=False)

    error = refused(pay, till.member(), plan_sale(plan), actor=till.desk())

    assert (str(error), error.field) == ("This plan is no longer offered.", "plan_id")


def test_an_inactive_pack_is_refused(db, till):
    pack = till.pack(is_active=False)

    error = refused(pay, till.member(), pack_sale(pack), actor=till.desk())

    assert (str(error), error.field) == ("This plan is no longer offered.", "plan_id")


@pytest.mark.parametrize("kind", [ItemKind.PLAN, ItemKind.PACK])
def test_a_plan_of_the_other_kind_is_refused(db, till, kind):
    wrong = till.pack() if kind is ItemKind.PLAN else till.unlimited_plan()

    error = refused(pay, till.member(), Sale(kind, plan_id=wrong.id), actor=till.desk())

    assert (str(error), error.field) == ("Choose a plan.", "plan_id")


@pytest.mark.parametrize("plan_id", [None, 10**6])
def test_a_missing_plan_is_refused(db, till, plan_id):
    error = refused(pay, till.member(), Sale(ItemKind.PLAN, plan_id=plan_id), actor=till.desk())

    assert (str(error), error.field) == ("Choose a plan.", "plan_id")


@pytest.mark.parametrize("price", [0, -1, -2_000, MAX_PRICE_MINOR + 1, 10**12])
def test_an_amount_out_of_range_is_refused(db, till, price):
    member, desk = till.member(), till.desk()

    for sale in (
        other(price_minor=price),
        plan_sale(till.unlimited_plan(), price_minor=price),
        pack_sale(till.pack(), price_minor=price),
        drop_in(till.session(), price_minor=price),
    ):
        error = refused(pay, member, sale, actor=desk)
        assert (str(error), error.field) == ("Enter an amount greater than zero.", "amount")


def test_the_largest_amount_is_taken(db, till):
    payment = pay(till.member(), other(price_minor=MAX_PRICE_MINOR), actor=till.desk())

    assert payment.amount_minor == MAX_PRICE_MINOR


@pytest.mark.parametrize("sale", [Sale(ItemKind.OTHER, description="Agua"), "drop-in"])
def test_an_item_without_a_price_is_refused(db, till, sale):
    if sale == "drop-in":
        sale = Sale(ItemKind.DROP_IN, session_id=till.session().id)

    error = refused(pay, till.member(), sale, actor=till.desk())

    assert (str(error), error.field) == ("Enter the amount.", "amount")


def test_a_free_plan_cannot_be_sold(db, till):
    error = refused(
        pay, till.member(), plan_sale(till.unlimited_plan(price_minor=0)), actor=till.desk()
    )

    assert error.field == "amount"


@pytest.mark.parametrize("description", ["", "   ", None])
def test_an_other_item_needs_a_description(db, till, description):
    error = refused(pay, till.member(), other(description=description), actor=till.desk())

    assert (str(error), error.field) == ("Describe what is sold.", "description")


def test_a_description_too_long_is_refused(db, till):
    error = refused(pay, till.member(), other(description="x" * 201), actor=till.desk())

    assert (str(error), error.field) == ("Use at most 200 characters.", "description")


@pytest.mark.parametrize("quantity", [0, -1, 1_000])
def test_a_quantity_out_of_range_is_refused(db, till, quantity):
    error = refused(pay, till.member(), other(quantity=quantity), actor=till.desk())

    assert (str(error), error.field) == ("Enter a quantity from 1 to 999.", "quantity")


def test_nothing_to_sell_is_refused(db, till):
    error = refused(pay, till.member(), actor=till.desk())

    assert (str(error), error.field) == ("Choose what is sold.", "kind")


def test_a_drop_in_to_a_full_class_is_refused(db, till):
    cs = till.session(capacity=1)
    someone = till.member(credits=1)
    book_now(cs.id, someone, actor=someone)

    error = refused(pay, till.member(), drop_in(cs), actor=till.desk())

    assert (str(error), error.field) == ("This class is full.", "session_id")


def test_a_drop_in_to_a_missing_class_is_refused(db, till):
    error = refused(
        pay,
        till.member(),
        Sale(ItemKind.DROP_IN, session_id=10**6, price_minor=1),
        actor=till.desk(),
    )

    assert (str(error), error.field) == ("Choose a class.", "session_id")


def test_a_refusal_in_a_later_sale_undoes_the_earlier_ones(db, till):
    member, pack = till.member(), till.pack()

    error = refused(pay, member, pack_sale(pack), other(description=""), actor=till.desk())

    assert error.field == "description"
    assert ledger.balance(member.id) == 0


# ---- who may take money -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "trainer", "nobody"])
@pytest.mark.parametrize("method", [CASH, CARD, TRANSFER])
def test_only_the_desk_records_payments(db, till, factories, who, method):
    member = till.member()
    actor = {"member": member, "trainer": factories.trainer(), "nobody": None}[who]
    before = row_counts()

    with pytest.raises(AccessDenied):
        pay(member, other(), actor=actor, method=method, tendered_minor=10_000)

    assert row_counts() == before


@pytest.mark.parametrize("role", ["front_desk", "admin"])
def test_front_desk_and_admins_record_payments(db, till, factories, role):
    actor = getattr(factories, role)()

    payment = pay(till.member(), other(), actor=actor)

    assert payment.recorded_by_id == actor.id == payment.invoice.issued_by_id


@pytest.mark.parametrize("role", ["front_desk", "admin", "member"])
def test_an_online_payment_with_an_actor_is_refused(db, till, factories, role):
    error = refused(pay, till.member(), other(), actor=getattr(factories, role)(), method=ONLINE)

    assert str(error) == "Online payments come from the payment gateway."


# ---- what follows a payment ----------------------------------------------------------------


def test_a_payment_is_audited(db, till):
    member, desk = till.member(), till.desk()

    payment = pay(member, other(price_minor=2_000), actor=desk, method=CASH, tendered_minor=5_000)

    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "payment.recorded", AuditEntry.entity_id == str(payment.id)
        )
    )
    assert (entry.entity_type, entry.actor_id) == ("Payment", desk.id)
    assert entry.after == {
        "member_id": member.id,
        "method": "cash",
        "amount_minor": 2_000,
        "tendered_minor": 5_000,
        "invoice": payment.invoice.label,
    }


def test_a_payment_queues_its_invoice_render_job(db, till):
    payment = pay(till.member(), other(), actor=till.desk())

    jobs = db.session.scalars(
        select(OutboxJob).where(OutboxJob.name == "billing.render_invoice")
    ).all()
    assert [job.args for job in jobs] == [[payment.invoice.id]]


def test_the_invoice_records_the_payment_and_the_buyer(db, till):
    member, desk = till.member(name="Ana Pérez"), till.desk()

    payment = pay(member, other(), actor=desk)

    invoice = payment.invoice
    assert (invoice.kind, invoice.series, invoice.number) == (InvoiceKind.INVOICE, "A", 1)
    assert invoice.label == "A-000001"
    assert (invoice.payment_id, invoice.member_id, invoice.issued_by_id) == (
        payment.id,
        member.id,
        desk.id,
    )
    assert invoice.issued_on == TODAY and invoice.currency == payment.currency == "MXN"
    assert (invoice.tax_rate_bp, invoice.prices_include_tax) == (1600, True)
    assert invoice.buyer["name"] == "Ana Pérez" and invoice.buyer["email"] == member.email
    assert invoice.seller["name"] and invoice.credits_invoice_id is None
    assert db.session.scalars(select(Payment)).all() == [payment]


# ---- totals too large to store, and online drop-ins ------------------------------------------


@pytest.mark.parametrize(
    "sales",
    [
        pytest.param([other(price_minor=MAX_PRICE_MINOR, quantity=999)], id="quantity"),
        pytest.param([other(price_minor=MAX_PRICE_MINOR)] * 22, id="many-lines"),
        pytest.param([other(price_minor=MAX_PRICE_MINOR // 2 + 1)] * 2, id="just-over"),
    ],
)
def test_a_total_too_large_for_one_payment_is_refused(db, till, sales):
    """Past 2,147,483,647 the INTEGER amount columns overflow on PostgreSQL (a 500)."""
    error = refused(pay, till.member(), *sales, actor=till.desk())

    assert error.field == "amount"


def test_an_online_drop_in_is_refused(db, till):
    error = refused(pay, till.member(), drop_in(till.session()), actor=None, method=ONLINE)

    assert error.field == "kind"
