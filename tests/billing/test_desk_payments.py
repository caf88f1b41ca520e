"""Recording a payment at the desk, the payment page and its refund."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.billing.models import Invoice, InvoiceKind, Payment, PaymentMethod, PaymentStatus
from app.booking.models import Booking, BookingStatus
from app.memberships import ledger
from app.memberships.models import Membership
from tests.accounts.support import page_text
from tests.conftest import post_form

NEW = "/admin/billing/payments/new"


def _payments(db) -> list[Payment]:
    return list(db.session.scalars(select(Payment).execution_options(populate_existing=True)))


def _fresh(db, payment: Payment) -> Payment:
    return db.session.get(Payment, payment.id, populate_existing=True)


def _post(client, data: dict, key: str | None = None):
    form = {"method": "cash", "kind": "plan", "quantity": "1", **data}
    form.setdefault("idempotency_key", key or "")
    return post_form(client, NEW, form)


def _field_error(response, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', response.get_data(as_text=True))
    assert match, f"no error on {field}"
    return match.group(1)


@pytest.fixture
def desk(till, login):
    user = till.desk()
    login(user)
    return user


def test_cash_pack_records_payment_and_flashes_change_due(till, client, desk, db):
    member = till.member()
    pack = till.pack(credits=10, price_minor=116_000)

    response = _post(
        client,
        {"member": member.email, "kind": "pack", "pack_id": pack.id, "tendered": "1200"},
    )

    [payment] = _payments(db)
    assert response.status_code == 303
    assert response.location.endswith(f"/admin/billing/payments/{payment.id}")
    assert (payment.method, payment.amount_minor, payment.tendered_minor) == (
        PaymentMethod.CASH,
        116_000,
        120_000,
    )
    assert payment.recorded_by_id == desk.id
    assert ledger.balance(member.id) == 1000
    page = page_text(client.get(response.location))
    assert "Payment recorded. Change due: MX$40.00." in page
    assert payment.invoice.label in page and "MX$1,160.00" in page


def test_card_plan_starts_a_membership_and_keeps_the_reference(till, client, desk, db):
    member = till.member()
    plan = till.unlimited_plan(price_minor=89_900)

    response = _post(
        client,
        {"member": member.email, "method": "card", "plan_id": plan.id, "reference": "TPV-123"},
    )

    [payment] = _payments(db)
    assert response.status_code == 303
    assert (payment.method, payment.amount_minor) == (PaymentMethod.CARD, 89_900)
    assert (payment.tendered_minor, payment.reference) == (None, "TPV-123")
    membership = db.session.scalar(select(Membership).where(Membership.member_id == member.id))
    assert (membership.plan_id, membership.period_start) == (plan.id, date(2026, 12, 1))
    assert "Payment recorded." in page_text(client.get(response.location))


def test_plan_paid_again_renews_from_the_end_of_the_current_period(till, client, desk, db):
    member = till.member()
    plan = till.unlimited_plan()
    for _ in range(2):
        _post(client, {"member": member.email, "method": "transfer", "plan_id": plan.id})

    periods = db.session.execute(
        select(Membership.period_start, Membership.period_end)
        .where(Membership.member_id == member.id)
        .order_by(Membership.period_start)
    ).all()
    assert len(_payments(db)) == 2
    assert periods[1].period_start == periods[0].period_end + timedelta(days=1)


def test_transfer_of_other_items_charges_amount_times_quantity(till, client, desk, db):
    member = till.member()

    _post(
        client,
        {
            "member": member.name,
            "method": "transfer",
            "kind": "other",
            "description": "Agua",
            "quantity": "3",
            "amount": "25.50",
        },
    )

    [payment] = _payments(db)
    assert (payment.method, payment.amount_minor) == (PaymentMethod.TRANSFER, 7_650)
    [line] = payment.invoice.lines
    assert (line.description, line.quantity, line.unit_price_minor) == ("Agua", 3, 2_550)


def test_drop_in_books_the_class_without_credits(till, client, desk, db):
    member = till.member()
    cs = till.session(starts_in=timedelta(hours=3))

    _post(
        client,
        {
            "member": member.email,
            "kind": "drop_in",
            "session_id": cs.id,
            "amount": "150",
            "tendered": "200",
        },
    )

    [payment] = _payments(db)
    assert payment.change_minor == 5_000
    booking = db.session.scalar(select(Booking).where(Booking.member_id == member.id))
    assert (booking.session_id, booking.status, booking.credits_cc) == (
        cs.id,
        BookingStatus.CONFIRMED,
        0,
    )


def test_drop_in_refused_when_the_class_is_full(till, client, desk, db):
    cs = till.session(capacity=1, starts_in=timedelta(hours=3))
    _post(client, {"member": till.member().email, "kind": "drop_in", "session_id": cs.id,
                   "amount": "150", "tendered": "150"})  # fmt: skip

    response = _post(
        client,
        {
            "member": till.member().email,
            "kind": "drop_in",
            "session_id": cs.id,
            "amount": "150",
            "tendered": "150",
        },
    )

    assert response.status_code == 200
    assert _field_error(response, "session_id") == "This class is full."
    assert len(_payments(db)) == 1


BAD_INPUT = [
    (
        {"member": "nobody@example.com"},
        "member",
        "No active member has that name, email or number.",
    ),
    ({"method": "online"}, "method", "Choose how they pay."),
    ({"kind": "gift"}, "kind", "Choose what is sold."),
    ({"plan_id": ""}, "plan_id", "Choose a plan."),
    ({"kind": "pack", "plan_id": ""}, "pack_id", "Choose a class pack."),
    ({"plan_id": "999999"}, "plan_id", "Choose a plan."),
    ({"amount": "0"}, "amount", "Enter an amount greater than zero."),
    ({"amount": "-5"}, "amount", "Enter an amount such as 350.00."),
    ({"amount": "12345678"}, "amount", "Enter an amount such as 350.00."),
    ({"tendered": "100"}, "tendered", "The cash handed over must cover the total."),
    ({"tendered": ""}, "tendered", "The cash handed over must cover the total."),
    ({"tendered": "lots"}, "tendered", "Enter an amount such as 350.00."),
    ({"kind": "drop_in"}, "session_id", "Choose a class."),
    ({"kind": "drop_in", "session_id": "5x"}, "session_id", "Choose a class."),
    ({"kind": "other", "amount": "10"}, "description", "Describe what is sold."),
    ({"kind": "other", "description": "Agua"}, "amount", "Enter the amount."),
    (
        {"kind": "other", "description": "Agua", "amount": "10", "quantity": "0"},
        "quantity",
        "Enter a quantity from 1 to 999.",
    ),  # fmt: skip
    (
        {"kind": "other", "description": "Agua", "amount": "10", "quantity": "two"},
        "quantity",
        "Enter a whole number.",
    ),  # fmt: skip
    (
        {"kind": "other", "description": "x" * 201, "amount": "10"},
        "description",
        "Use at most 200 characters.",
    ),  # fmt: skip
    (
        {"kind": "other", "description": "Agua", "amount": "999999", "quantity": "999"},
        "amount",
        "That amount is too large.",
    ),  # fmt: skip
    ({"method": "card", "reference": "r" * 121}, "reference", "Use at most 120 characters."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_input_is_a_field_error_and_writes_nothing(
    till, client, desk, db, change, field, message
):
    member = till.member()
    plan = till.unlimited_plan(price_minor=50_000)
    data = {"member": member.email, "plan_id": plan.id, "tendered": "1000", **change}

    response = _post(client, data)

    assert response.status_code == 200
    assert _field_error(response, field) == message
    assert _payments(db) == []
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


def test_double_submit_with_the_same_key_records_one_payment(till, client, desk, db):
    member = till.member()
    pack = till.pack()
    data = {"member": member.email, "kind": "pack", "pack_id": pack.id, "tendered": "1200"}

    first = _post(client, data, key="same-key")
    second = _post(client, data, key="same-key")

    [payment] = _payments(db)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert ledger.balance(member.id) == 1000
    reused = _post(client, {**data, "tendered": "1500"}, key="same-key")
    assert reused.status_code == 422
    assert "This form was already used for something else." in page_text(reused)
    assert 'name="idempotency_key"' in reused.get_data(as_text=True)  # the form, to send again
    assert len(_payments(db)) == 1 and payment.id


def test_form_prefills_member_and_plan_from_the_query(till, client, desk):
    member = till.member()
    plan = till.unlimited_plan()

    html = client.get(f"{NEW}?member={member.id}&plan={plan.id}").get_data(as_text=True)

    assert f'value="{member.email}"' in html
    assert re.search(rf'<option data-price="[0-9.]+" selected value="{plan.id}"', html)
    assert "data-payment-form" in html and re.search(r"/js/desk_payment\.[0-9a-f]{12}\.js", html)


@pytest.mark.parametrize("role", ["trainer", "member"])
def test_trainers_and_members_may_not_record_payments(till, client, login, factories, db, role):
    login(getattr(factories, role)())
    assert client.get(NEW).status_code == 403
    token_page = "/password/forgot"
    response = post_form(
        client, NEW, {"member": till.member().email, "kind": "other"}, token_from=token_page
    )
    assert response.status_code == 403
    assert _payments(db) == []


# ---- the payment page and refunds --------------------------------------------


def _cash_pack(till, db, desk):
    from app.billing.models import ItemKind
    from app.billing.services.payments import Sale, record_payment

    member = till.member()
    return record_payment(
        member.id,
        [Sale(ItemKind.PACK, plan_id=till.pack(price_minor=116_000).id)],
        method=PaymentMethod.CASH,
        actor=desk,
        tendered_minor=120_000,
    )


def test_payment_page_shows_amounts_invoice_and_no_refund_form_for_front_desk(
    till, client, desk, db
):
    payment = _cash_pack(till, db, desk)

    page = page_text(client.get(f"/admin/billing/payments/{payment.id}"))

    assert payment.invoice.label in page and desk.name in page
    assert "MX$1,200.00" in page and "MX$40.00" in page and "MX$160.00" in page
    assert "Refund or void" not in page


def test_missing_payment_is_404(till, client, desk):
    assert client.get("/admin/billing/payments/999999").status_code == 404


def test_front_desk_may_not_refund(till, client, desk, db):
    payment = _cash_pack(till, db, desk)
    url = f"/admin/billing/payments/{payment.id}/refund"
    response = post_form(client, url, {"reason": "x"}, token_from=NEW)
    assert response.status_code == 403
    assert _fresh(db, payment).status is PaymentStatus.PAID


@pytest.mark.parametrize(("action", "status"), [("refund", PaymentStatus.REFUNDED),
                                                 ("void", PaymentStatus.VOIDED)])  # fmt: skip
def test_admin_refund_or_void_issues_a_credit_note(till, client, login, db, action, status):
    payment = _cash_pack(till, db, till.desk())
    login(till.admin())
    url = f"/admin/billing/payments/{payment.id}"

    response = post_form(
        client, f"{url}/refund", {"action": action, "reason": "Error"}, token_from=url
    )

    assert response.status_code == 303
    assert _fresh(db, payment).status is status
    note = db.session.scalar(select(Invoice).where(Invoice.kind == InvoiceKind.CREDIT_NOTE))
    assert note.total_minor == -116_000 and note.reason == "Error"
    page = page_text(client.get(url))
    assert note.label in page and "Refund or void" not in page


def test_refund_without_reason_is_a_field_error(till, client, login, db):
    payment = _cash_pack(till, db, till.desk())
    login(till.admin())
    url = f"/admin/billing/payments/{payment.id}"

    response = post_form(
        client, f"{url}/refund", {"action": "refund", "reason": " "}, token_from=url
    )

    assert response.status_code == 200
    assert _field_error(response, "reason") == "Give a reason."
    assert _fresh(db, payment).status is PaymentStatus.PAID
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 1
