"""What the member's membership pages and home offer: the shop to a member
with no plan, "Renew" only when there is something to renew, "ends on" for
plans that do not charge by themselves, and one expiry date for a purchase."""

import re
from datetime import UTC, date, datetime

import pytest

from tests.accounts.support import page_text

NOON = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)  # 12:00 in Mexico City


def _text(response) -> str:
    """The page's words, tags left out, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


@pytest.fixture
def shop_closed(app, monkeypatch):
    monkeypatch.setitem(app.config, "SANDBOX_GATEWAY", False)


def test_member_with_no_plan_is_offered_the_shop(client, factories, login):
    login(factories.member())

    page = client.get("/app/membership")
    home = client.get("/app/")

    assert 'href="/app/shop" id="join-link"' in page.get_data(as_text=True)
    assert "Ask at the front desk" not in _text(page)
    assert 'id="renew-link"' not in page.get_data(as_text=True)
    assert "Join a plan or buy a class pack" in _text(home)
    assert "Renew" not in _text(home)


def test_member_with_no_plan_is_sent_to_the_desk_when_the_shop_is_closed(
    client, factories, login, shop_closed
):
    login(factories.member())

    page = _text(client.get("/app/membership"))
    home = client.get("/app/")

    assert "Ask at the front desk to join a plan or buy a class pack." in page
    assert "/app/shop" not in client.get("/app/membership").get_data(as_text=True)
    assert 'id="join-at-desk"' in home.get_data(as_text=True)
    assert 'id="shop-link"' not in home.get_data(as_text=True)


def test_no_renew_for_a_plan_far_from_its_end(client, factories, login, memberships, clock):
    clock(NOON)
    member = factories.member()
    memberships.membership(member, memberships.plan(), starts_on=date(2026, 1, 31))
    login(member)

    page = client.get("/app/membership").get_data(as_text=True)
    home = _text(client.get("/app/"))

    assert 'id="renew-link"' not in page and 'id="buy-pack-link"' in page
    assert "Buy a class pack" in home and "Renew" not in home


def test_renew_shows_a_week_before_the_end(client, factories, login, memberships, clock):
    clock(NOON)
    member = factories.member()
    memberships.membership(member, memberships.plan(), starts_on=date(2026, 1, 7))  # ends 6 Feb
    login(member)

    page = client.get("/app/membership")

    assert 'id="renew-link"' in page.get_data(as_text=True)
    assert "Ends on Feb 6, 2026" in _text(page)
    assert "Renew or buy a class pack" in _text(client.get("/app/"))


def test_renew_shows_when_past_due(client, factories, login, memberships, clock):
    clock(datetime(2026, 1, 3, 18, 0, tzinfo=UTC))
    member = factories.member()
    memberships.membership(member, memberships.plan(), starts_on=date(2025, 12, 5))  # ends 4 Jan
    clock(datetime(2026, 1, 6, 18, 0, tzinfo=UTC))
    login(member)

    page = client.get("/app/membership")

    assert "Past due" in _text(page)
    assert "Renew now" in _text(page) and 'id="renew-link"' in page.get_data(as_text=True)


def test_no_renew_for_a_plan_already_renewed(client, factories, login, memberships, clock):
    clock(NOON)
    member = factories.member()
    plan = memberships.plan()
    memberships.membership(member, plan, starts_on=date(2026, 1, 7))  # ends 6 Feb
    memberships.membership(member, plan, starts_on=date(2026, 2, 7))
    login(member)

    assert 'id="renew-link"' not in client.get("/app/membership").get_data(as_text=True)


def test_no_renew_for_a_class_pack_or_a_plan_off_sale(
    client, db, factories, login, memberships, clock
):
    clock(NOON)
    member = factories.member()
    memberships.membership(member, memberships.pack(days=3))
    login(member)

    page = client.get("/app/membership")

    assert 'id="renew-link"' not in page.get_data(as_text=True)
    assert "Ends on Feb 3, 2026" in _text(page)
    assert "Renews on" not in _text(page) and "Does not renew" not in _text(page)


# ---- one expiry date for a purchase -------------------------------------------


def test_order_page_and_credits_page_show_the_same_expiry_near_midnight(
    app, client, db, factories, login, memberships, clock
):
    """Bought at 23:50 in Mexico City (05:50 UTC the next day): the lot
    expires at the gym's midnight after its last day, and both pages name
    that last day."""
    from app.billing.models import ItemKind, Order, OrderStatus, PaymentMethod
    from app.billing.services.payments import Sale, record_payment
    from app.core.db import transaction

    clock(datetime(2026, 2, 1, 5, 50, tzinfo=UTC))  # 31 Jan, 23:50 local
    member = factories.member()
    pack = memberships.pack(credits=5, days=30)
    payment = record_payment(
        member.id,
        [Sale(kind=ItemKind.PACK, plan_id=pack.id)],
        method=PaymentMethod.ONLINE,
        actor=None,
    )
    with transaction():
        order = Order(
            member_id=member.id,
            plan_id=pack.id,
            kind=ItemKind.PACK,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            status=OrderStatus.PAID,
            gateway="sandbox",
            gateway_ref="sbx_midnight",
            payment_id=payment.id,
        )
        db.session.add(order)
    login(member)

    order_page = client.get(f"/app/orders/{order.id}").get_data(as_text=True)
    credits_page = _text(client.get("/app/credits"))

    shown = re.search(r'data-testid="lot-valid-until">([^<]+)<', order_page).group(1)
    assert shown == "Mar 2, 2026"  # 31 Jan + 30 days
    assert f"Valid until {shown}" in credits_page
    assert "Mar 3, 2026" not in order_page


def test_shop_offers_renew_only_when_the_plan_is_due(client, factories, login, memberships, clock):
    clock(NOON)
    member, due = factories.member(), factories.member()
    plan = memberships.plan(name="Mensual")
    memberships.membership(member, plan, starts_on=date(2026, 1, 31))  # ends 27 Feb
    memberships.membership(due, plan, starts_on=date(2026, 1, 7))  # ends 6 Feb

    login(member)
    far = client.get("/app/shop").get_data(as_text=True)
    login(due)
    near = client.get("/app/shop").get_data(as_text=True)

    assert 'id="renew-title"' not in far and "Mensual" in far
    assert 'id="renew-title"' in near


def test_renewals_due_list_marks_a_complimentary_membership(
    client, factories, login, memberships, clock
):
    clock(NOON)
    member = factories.member()
    memberships.membership(member, memberships.plan(), starts_on=date(2026, 1, 7), reason="Prize")
    login(factories.front_desk())

    page = client.get("/admin/billing/renewals").get_data(as_text=True)

    assert member.name in page and 'data-testid="complimentary"' in page
    assert "Prize" not in page  # the reason lives on the member's page
