"""The sandbox gateway (test cards, no real money) is refused in production
unless SANDBOX_GATEWAY=on (a staging install), which puts a banner on every
page; production with no gateway on closes the shop and tells admins."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.billing.gateways.sandbox import (
    SandboxError,
    charge,
    deliver_event,
    event_body,
    settle_pending,
)
from app.billing.models import Order, OrderStatus
from app.billing.services.orders import place_order
from app.billing.services.payments import BillingError
from app.config import DevelopmentConfig, ProductionConfig, TestingConfig
from tests.billing.conftest import NOW
from tests.billing.online_support import counts, deliver, event, fresh, order_for
from tests.conftest import PASSWORD, post_form

BANNER = 'id="test-payments-banner"'
SECURE = {"Referer": "https://localhost/"}  # Flask-WTF checks it over HTTPS


def _sign_in(client, user):
    response = post_form(
        client, "/login", {"email": user.email, "password": PASSWORD}, headers=SECURE
    )
    assert response.status_code == 302, "sign-in failed"


def _post(client, path, data, token_from=None):
    return post_form(client, path, data, token_from=token_from, headers=SECURE)


@pytest.fixture
def member_and_plan(till):
    return till.member(), till.pack(credits=10, price_minor=120_000, name="Pack 10")


@pytest.fixture
def closed(production_app, member_and_plan):
    """Production as shipped: no SANDBOX_GATEWAY, no real gateway; the member signed in."""
    prod = production_app()
    client = prod.test_client()
    client.set_cookie("cupo_lang", "en")
    _sign_in(client, member_and_plan[0])
    return prod, client


@pytest.fixture
def staging(production_app, member_and_plan):
    """Production with SANDBOX_GATEWAY=on; the member signed in."""
    prod = production_app(SANDBOX_GATEWAY=True)
    client = prod.test_client()
    client.set_cookie("cupo_lang", "en")
    _sign_in(client, member_and_plan[0])
    return prod, client


def _orders(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def test_the_sandbox_is_on_in_development_and_tests_and_off_in_production():
    assert DevelopmentConfig.SANDBOX_GATEWAY and TestingConfig.SANDBOX_GATEWAY
    assert ProductionConfig.SANDBOX_GATEWAY is False


def test_production_refuses_the_sandbox_checkout(closed, db, member_and_plan):
    prod, client = closed
    member, pack = member_and_plan
    order = order_for(member, pack)  # placed while the tests' sandbox was on
    checkout = f"/billing/sandbox/checkout/{order.gateway_ref}"

    assert client.get(checkout).status_code == 404
    response = _post(
        client,
        checkout,
        {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"},
        token_from="/app/profile",
    )

    assert response.status_code == 404
    assert fresh(db, Order, order.id).status is OrderStatus.OPEN
    assert counts(db)["payments"] == 0
    with prod.test_request_context(), pytest.raises(SandboxError):
        charge(order.gateway_ref, "4242424242424242", "12/30", member_id=member.id)
    assert counts(db)["payments"] == 0


def test_production_refuses_sandbox_webhooks_and_its_jobs(closed, db, member_and_plan, clock):
    prod, client = closed
    member, pack = member_and_plan
    order = order_for(member, pack)
    with prod.app_context():
        response = deliver(client, event(order))
        deliver_event(event_body(order, "payment.succeeded"))

    assert response.status_code == 404
    assert counts(db) == {"payments": 0, "invoices": 0, "lots": 0, "ledger": 0, "events": 0}
    assert fresh(db, Order, order.id).status is OrderStatus.OPEN


def test_production_does_not_settle_pending_sandbox_payments(
    closed, production_app, client, login, db, member_and_plan, clock
):
    prod, _ = closed
    member, pack = member_and_plan
    order = order_for(member, pack)
    login(member)  # through the tests' app, whose sandbox is on
    post_form(
        client,
        f"/billing/sandbox/checkout/{order.gateway_ref}",
        {"card_number": "4000 0000 0000 0077", "expiry": "12/30", "cvc": "123"},
    )
    assert fresh(db, Order, order.id).status is OrderStatus.PENDING
    clock(NOW + timedelta(minutes=5))

    with prod.app_context():
        assert settle_pending() == 0
    assert fresh(db, Order, order.id).status is OrderStatus.PENDING

    with production_app(SANDBOX_GATEWAY=True).app_context():
        assert settle_pending() == 1
    assert fresh(db, Order, order.id).status is OrderStatus.PAID


def test_production_closes_the_shop_without_a_gateway(closed, db, member_and_plan):
    prod, client = closed
    member, pack = member_and_plan

    assert client.get("/app/shop").status_code == 404
    response = _post(
        client,
        "/app/shop/orders",
        {"plan_id": pack.id, "idempotency_key": "k-1"},
        token_from="/app/profile",
    )
    assert response.status_code == 404
    assert _orders(db) == 0
    home = client.get("/app/").get_data(as_text=True)
    assert 'id="shop-link"' not in home and BANNER not in home
    membership = client.get("/app/membership").get_data(as_text=True)
    assert 'id="shop-links"' not in membership
    english = prod.test_request_context(headers={"Cookie": "cupo_lang=en"})
    with english, pytest.raises(BillingError, match="front desk"):
        place_order(pack.id, actor=member)
    assert _orders(db) == 0


def test_admins_are_told_the_shop_is_closed(production_app, client, login, factories):
    admin = factories.admin()
    login(admin)  # the tests' app: the sandbox is on, the shop is open
    assert 'data-testid="shop-closed"' not in client.get("/admin/").get_data(as_text=True)

    prod = production_app().test_client()
    prod.set_cookie("cupo_lang", "en")
    _sign_in(prod, admin)
    page = prod.get("/admin/").get_data(as_text=True)
    assert 'data-testid="shop-closed"' in page
    assert "no payment gateway is set up" in page


def test_staging_sells_through_the_sandbox_under_a_banner(staging, db, member_and_plan):
    prod, client = staging
    member, pack = member_and_plan

    shop = client.get("/app/shop")
    assert shop.status_code == 200 and BANNER in shop.get_data(as_text=True)
    response = _post(
        client,
        "/app/shop/orders",
        {"plan_id": pack.id, "idempotency_key": "k-1"},
        token_from="/app/shop",
    )
    checkout = response.location
    assert response.status_code == 303 and "/billing/sandbox/checkout/" in checkout
    _post(client, checkout, {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"})

    order = db.session.scalar(select(Order))
    assert fresh(db, Order, order.id).status is OrderStatus.PAID
    assert counts(db)["payments"] == 1
    for page in ("/app/", "/app/membership"):
        assert BANNER in client.get(page).get_data(as_text=True), page
    signed_out = prod.test_client()
    assert BANNER in signed_out.get("/login").get_data(as_text=True)


def test_no_banner_outside_production(client):
    assert BANNER not in client.get("/login").get_data(as_text=True)
