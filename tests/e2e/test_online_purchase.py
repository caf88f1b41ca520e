"""Buying a class pack online from the phone: the shop, the sandbox
gateway's checkout, the receipt; then a declined card.

The live server runs jobs inline, so the sandbox's webhook (delivered
through the app's own WSGI stack, not the network) is processed before the
checkout redirects. Selectors use ids and data attributes (the UI is Spanish).
"""

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.billing.models import Order, OrderStatus, Payment
from app.core.db import transaction
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.memberships.models import Plan, PlanInterval, PlanKind
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe
from tests.e2e.test_booking_flow import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def buyer(live_app):
    """A member with no credits, and a 10-credit pack on sale (ids and email)."""
    tag = uuid.uuid4().hex[:8]
    with live_app.app_context():
        with transaction():
            member = User(
                email=f"buyer-{tag}@example.com",
                name=f"Buyer {tag}",
                role=Role.MEMBER,
                language="es",
                password_hash=hash_password(DEMO_PASSWORD),
            )
            pack = Plan(
                name=f"Paquete 10 {tag}",
                kind=PlanKind.CREDITS,
                interval=PlanInterval.NONE,
                credits_cc=1000,
                valid_days=60,
                price_minor=120_000,
            )
            db.session.add_all([member, pack])
        info = {"email": member.email, "member_id": member.id, "pack_id": pack.id}
        db.session.remove()
    return info


def _payments_of(live_app, member_id: int) -> list[Payment]:
    with live_app.app_context():
        payments = db.session.scalars(select(Payment).where(Payment.member_id == member_id)).all()
        labels = [p.invoice.label for p in payments]
        db.session.remove()
    return labels


def _checkout(page, pack_id: int, card: str) -> None:
    page.goto("/app/shop")
    page.locator(f"#buy-{pack_id}").click()
    expect(page).to_have_url(re.compile(r"/billing/sandbox/checkout/sbx_"))
    page.locator("#card_number").fill(card)
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")
    page.locator("#pay").click()
    expect(page).to_have_url(re.compile(r"/app/orders/\d+$"))


def test_member_buys_a_pack_then_a_declined_card_pays_nothing(
    live_app, buyer, new_context, screenshot
):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, buyer["email"])

    # The shop lists the pack, with its price; it is reachable from home.
    page.goto("/app/")
    page.locator("#shop-link").click()
    expect(page).to_have_url(re.compile(r"/app/shop$"))
    card = page.locator(f"li[data-plan-id='{buyer['pack_id']}']")
    expect(card.locator("[data-testid=price]")).to_contain_text("1,200.00")
    assert not (violations := run_axe(page)), describe(violations)

    # The sandbox's checkout: the amount, the test cards, accessible.
    page.locator(f"#buy-{buyer['pack_id']}").click()
    expect(page).to_have_url(re.compile(r"/billing/sandbox/checkout/sbx_"))
    expect(page.locator("#pay-amount")).to_contain_text("1,200.00")
    assert not (violations := run_axe(page)), describe(violations)
    page.locator("#card_number").fill("4242 4242 4242 4242")
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")
    page.locator("#pay").click()

    # The receipt, with the invoice number.
    expect(page).to_have_url(re.compile(r"/app/orders/\d+$"))
    expect(page.locator("#order-paid")).to_be_visible()
    [label] = _payments_of(live_app, buyer["member_id"])
    expect(page.locator("#invoice-label")).to_have_text(label)
    expect(page.locator("#balance")).to_contain_text("10")
    assert not (violations := run_axe(page)), describe(violations)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"horizontal scroll: {scroll_width}px wide"

    # Their credits page shows the new credits.
    page.goto("/app/credits")
    expect(page.locator("[data-testid=balance]")).to_contain_text("10")

    # With the decline card they see the decline, and nothing is paid.
    _checkout(page, buyer["pack_id"], "4000 0000 0000 0002")
    expect(page.locator("#order-declined")).to_be_visible()
    expect(page.locator("#try-again")).to_be_visible()
    assert not (violations := run_axe(page)), describe(violations)
    screenshot(page)
    assert _payments_of(live_app, buyer["member_id"]) == [label]
    with live_app.app_context():
        statuses = db.session.scalars(
            select(Order.status).where(Order.member_id == buyer["member_id"]).order_by(Order.id)
        ).all()
        count = db.session.scalar(
            select(func.count()).select_from(Payment).where(Payment.member_id == buyer["member_id"])
        )
        db.session.remove()
    assert statuses == [OrderStatus.PAID, OrderStatus.DECLINED]
    assert count == 1
