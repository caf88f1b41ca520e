"""The member's shop, the sandbox checkout and the order's page, end to end
through the app's own HTTP stack (the sandbox's webhook delivery included)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.billing.gateways.sandbox import settle_pending
from app.billing.models import Order, OrderStatus, Payment
from app.memberships import ledger
from tests.billing.conftest import NOW
from tests.billing.online_support import counts, fresh, order_for
from tests.conftest import post_form


@pytest.fixture
def shop(till, login):
    """A signed-in member, a 10-credit pack and an unlimited plan on sale."""
    member = till.member()
    pack = till.pack(credits=10, price_minor=120_000, name="Pack 10")
    plan = till.unlimited_plan(price_minor=89_900, name="Unlimited")
    login(member)
    return member, pack, plan


def _buy(client, plan_id: int, key: str = "key-1"):
    return post_form(
        client,
        "/app/shop/orders",
        {"plan_id": plan_id, "idempotency_key": key},
        token_from="/app/shop",
    )


def _pay(client, order: Order, card: str):
    checkout = f"/billing/sandbox/checkout/{order.gateway_ref}"
    return post_form(client, checkout, {"card_number": card, "expiry": "12/30", "cvc": "123"})


def test_shop_lists_plans_and_packs_with_prices(client, shop):
    page = client.get("/app/shop").get_data(as_text=True)
    assert "Pack 10" in page and "Unlimited" in page
    assert "$1,200.00" in page and "$899.00" in page


def test_buying_places_an_open_order_and_sends_to_the_checkout(client, db, shop):
    member, pack, _ = shop

    response = _buy(client, pack.id)

    order = db.session.scalar(select(Order))
    assert (order.member_id, order.plan_id, order.amount_minor, order.status) == (
        member.id,
        pack.id,
        120_000,
        OrderStatus.OPEN,
    )
    assert response.status_code == 303
    assert response.location.startswith(f"/billing/sandbox/checkout/{order.gateway_ref}?")
    page = client.get(response.location).get_data(as_text=True)
    assert "Pack 10" in page and "$1,200.00" in page and "4242 4242 4242 4242" in page


def test_double_tap_on_buy_makes_one_order(client, db, shop):
    _, pack, _ = shop
    first, second = _buy(client, pack.id, "same"), _buy(client, pack.id, "same")
    assert first.location == second.location
    assert len(db.session.scalars(select(Order)).all()) == 1


def test_inactive_plan_cannot_be_bought(client, db, till, shop):
    old = till.pack(credits=5, price_minor=50_000, name="Old pack", is_active=False)
    response = _buy(client, old.id)
    assert response.location == "/app/shop"
    assert db.session.scalar(select(Order)) is None
    assert "This plan is not on sale." in client.get("/app/shop").get_data(as_text=True)


def test_paying_with_the_success_card_delivers_the_pack_and_shows_the_receipt(client, db, shop):
    member, pack, _ = shop
    _buy(client, pack.id)
    order = db.session.scalar(select(Order))

    response = _pay(client, order, "4242 4242 4242 4242")

    assert response.status_code == 303 and response.location == f"/app/orders/{order.id}"
    order = fresh(db, Order, order.id)
    assert order.status is OrderStatus.PAID
    assert ledger.balance(member.id) == 1000
    page = client.get(response.location).get_data(as_text=True)
    label = db.session.get(Payment, order.payment_id).invoice.label
    assert "Payment received" in page and label in page and "10 credits" in page
    assert (
        f"/app/orders/{order.id}/status" not in page
    )  # the order's poll stops (the bell's goes on)


def test_declined_card_declines_the_order_and_records_nothing(client, db, shop):
    member, pack, _ = shop
    _buy(client, pack.id)
    order = db.session.scalar(select(Order))
    before = counts(db)

    response = _pay(client, order, "4000-0000-0000-0002")

    assert fresh(db, Order, order.id).status is OrderStatus.DECLINED
    after = counts(db)
    assert {k: after[k] - before[k] for k in after if k != "events"} == dict.fromkeys(
        ("payments", "invoices", "lots", "ledger"), 0
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "Your card was declined." in page and "Try another card" in page

    _pay(client, order, "4242424242424242")  # another card, same order
    assert fresh(db, Order, order.id).status is OrderStatus.PAID
    assert counts(db)["payments"] == before["payments"] + 1


def test_unknown_card_is_a_field_error(client, db, shop):
    _, pack, _ = shop
    _buy(client, pack.id)
    order = db.session.scalar(select(Order))

    response = _pay(client, order, "5555 5555 5555 4444")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This is not a test card. Use one of the numbers listed." in page
    assert 'aria-invalid="true"' in page
    assert fresh(db, Order, order.id).status is OrderStatus.OPEN
    assert counts(db)["events"] == 0


def test_pending_payment_settles_after_thirty_seconds(client, db, clock, shop):
    member, _, plan = shop
    _buy(client, plan.id)
    order = db.session.scalar(select(Order))

    response = _pay(client, order, "4000 0000 0000 0077")

    assert fresh(db, Order, order.id).status is OrderStatus.PENDING
    page = client.get(response.location).get_data(as_text=True)
    assert "Your bank is confirming the payment" in page and 'data-hx-trigger="every 2s"' in page
    clock(NOW + timedelta(seconds=20))
    assert settle_pending() == 0
    clock(NOW + timedelta(seconds=31))
    assert settle_pending() == 1

    assert fresh(db, Order, order.id).status is OrderStatus.PAID
    page = client.get(f"/app/orders/{order.id}").get_data(as_text=True)
    assert "Payment received" in page and "Membership" in page
    assert settle_pending() == 0
    assert counts(db)["payments"] == 1


def test_processing_page_polls_while_open(client, db, shop):
    _, pack, _ = shop
    _buy(client, pack.id)
    order = db.session.scalar(select(Order))

    page = client.get(f"/app/orders/{order.id}").get_data(as_text=True)
    fragment = client.get(f"/app/orders/{order.id}/status").get_data(as_text=True)

    for html in (page, fragment):
        assert "Processing your payment" in html
        assert f'data-hx-get="/app/orders/{order.id}/status"' in html
        assert 'data-hx-trigger="every 2s"' in html
        assert re.search(rf'href="/app/orders/{order.id}">Check again', html)
    assert "<html" not in fragment


def test_another_members_order_and_checkout_are_404(client, db, login, till, shop):
    _, pack, _ = shop
    theirs = order_for(till.member(), pack)

    assert client.get(f"/app/orders/{theirs.id}").status_code == 404
    assert client.get(f"/app/orders/{theirs.id}/status").status_code == 404
    checkout = f"/billing/sandbox/checkout/{theirs.gateway_ref}"
    assert client.get(checkout).status_code == 404
    response = post_form(
        client,
        checkout,
        {"card_number": "4242424242424242", "expiry": "12/30", "cvc": "123"},
        token_from="/app/shop",
    )
    assert response.status_code == 404
    assert fresh(db, Order, theirs.id).status is OrderStatus.OPEN
