"""The desk's payment list: filters, totals of the filtered set, bounded queries."""

import re
from datetime import timedelta

import pytest

from app.billing.models import ItemKind, Payment, PaymentMethod
from app.billing.services.payments import Sale, record_payment, refund_payment
from tests.accounts.support import page_text
from tests.billing.conftest import NOW
from tests.queries import counting_statements

LIST = "/admin/billing/payments"


def _sell(member, actor, method, price_minor, **kw):
    return record_payment(
        member.id,
        [Sale(ItemKind.OTHER, description="Agua", price_minor=price_minor)],
        method=method,
        actor=actor,
        tendered_minor=price_minor if method is PaymentMethod.CASH else None,
        **kw,
    )


@pytest.fixture
def sales(till, clock):
    """Payments over two days by two desk people; one refunded."""
    luis, ana = (
        till.factories.front_desk(name="Luis Desk"),
        till.factories.front_desk(name="Ana Desk"),
    )
    maria, pedro = till.member(name="María Ruiz"), till.member(name="Pedro Gil")
    clock(NOW - timedelta(days=1))
    yesterday = _sell(maria, luis, PaymentMethod.CASH, 10_000)
    clock(NOW)
    cash = _sell(pedro, luis, PaymentMethod.CASH, 20_000)
    card = _sell(maria, ana, PaymentMethod.CARD, 30_000)
    transfer = _sell(pedro, ana, PaymentMethod.TRANSFER, 40_000)
    refund_payment(cash.id, "Error", actor=till.admin())
    payments = {"yesterday": yesterday, "cash": cash, "card": card, "transfer": transfer}
    return {"luis": luis, "ana": ana, "payments": {k: p.id for k, p in payments.items()}}


def _ids(response) -> set[int]:
    return {int(i) for i in re.findall(r'data-payment-id="(\d+)"', response.get_data(as_text=True))}


def _totals(response) -> dict[str, list[str]]:
    """Cells of the totals table by method: count, taken, returned, net."""
    rows = re.findall(r'<tr data-method="(\w+)">(.*?)</tr>', page_text(response), re.S)
    return {method: re.findall(r"<td[^>]*>([^<]+)</td>", cells)[-4:] for method, cells in rows}


def test_list_shows_every_payment_with_totals_net_of_refunds(client, login, sales, till):
    login(sales["luis"])

    response = client.get(LIST)

    assert response.status_code == 200
    assert len(_ids(response)) == 4
    totals = _totals(response)
    assert totals["cash"] == ["2", "MX$300.00", "MX$200.00", "MX$100.00"]
    assert totals["card"] == ["1", "MX$300.00", "MX$0.00", "MX$300.00"]
    assert totals["all"] == ["4", "MX$1,000.00", "MX$200.00", "MX$800.00"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("method=cash", {"yesterday", "cash"}),
        ("date_from=2026-12-01&date_to=2026-12-01", {"cash", "card", "transfer"}),
        ("date_to=2026-11-30", {"yesterday"}),
        ("member=mar%C3%ADa", {"yesterday", "card"}),
        ("member=PEDRO&method=transfer", {"transfer"}),
    ],
)
def test_filters_narrow_the_list_and_its_totals(client, login, sales, query, expected):
    login(sales["ana"])
    response = client.get(f"{LIST}?{query}")

    shown = {name for name, pid in sales["payments"].items() if pid in _ids(response)}
    assert shown == expected
    assert _totals(response)["all"][0] == str(len(expected))


def test_staff_filter_shows_who_recorded_them(client, login, sales):
    login(sales["luis"])
    response = client.get(f"{LIST}?staff={sales['ana'].id}")
    assert _ids(response) == {sales["payments"]["card"], sales["payments"]["transfer"]}


def test_bad_filters_are_field_errors_and_ignored(client, login, sales):
    login(sales["luis"])

    response = client.get(f"{LIST}?date_from=2026-12-02&date_to=2026-12-01&method=gold&staff=x")

    page = page_text(response)
    assert response.status_code == 200
    assert "Choose a day on or after the first one." in page
    assert "Choose a method." in page and "Choose someone." in page
    assert _ids(response) == set()  # the valid "from" filter still applies: nothing after it


def _statements(client, db, path):
    client.get(path)  # warm caches (templates, settings)
    with counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_list_query_count_does_not_grow_with_payments(client, login, db, till):
    desk = till.desk()
    login(desk)
    for _ in range(3):
        _sell(till.member(), desk, PaymentMethod.CARD, 1_000)
    few = _statements(client, db, LIST)
    members, others = [till.member() for _ in range(5)], [till.desk() for _ in range(3)]
    db.session.add_all(
        Payment(
            member_id=members[n % 5].id,
            method=PaymentMethod.CASH,
            amount_minor=1_000,
            currency="MXN",
            recorded_by_id=others[n % 3].id if n % 2 else desk.id,
        )
        for n in range(70)
    )
    db.session.commit()
    assert _statements(client, db, LIST) == few
    assert _statements(client, db, f"{LIST}?page=2&method=cash") == few
