"""The front desk sells a class pack for cash: the change due shows as they
type, and the payment page has the invoice number. axe checks the new-payment
page, the payment list and the cash drawer.

The UI is Spanish: selectors use ids and data attributes.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

DESK = "recepcion@cupo.demo"
MEMBER = "member1@cupo.demo"


def assert_accessible(page: Page) -> None:
    violations = run_axe(page)
    assert violations == [], describe(violations)


def expected_cash(page: Page) -> float:
    """The drawer's expected cash today, read off the page ("$2,650.00")."""
    page.goto("/admin/billing/drawer")
    text = page.locator("[data-testid=expected]").inner_text()
    return float(re.sub(r"[^\d.]", "", text))


def test_front_desk_sells_a_class_pack_for_cash(new_context, screenshot):
    page = new_context().new_page()
    sign_in(page, DESK)
    cash_before = expected_cash(page)

    page.goto("/admin/billing/payments/new")
    assert_accessible(page)
    page.locator("#member").fill(MEMBER)
    page.locator("#method").select_option("cash")
    page.locator("#kind").select_option("pack")
    expect(page.locator("#plan_id")).to_be_hidden()
    pack = page.locator("#pack_id option", has_text="Paquete 5 clases")
    page.locator("#pack_id").select_option(pack.get_attribute("value"))
    expect(page.locator("#amount")).to_have_attribute("placeholder", "650.00")
    page.locator("#tendered").fill("700")
    expect(page.locator("#payment-total")).to_contain_text("650.00")
    expect(page.locator("#change-due")).to_contain_text("50.00")
    page.locator("#payment-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/admin/billing/payments/\d+$"))
    expect(page.locator("main .alert-success")).to_contain_text("50.00")
    expect(page.locator("[data-testid=payment-change]")).to_contain_text("50.00")
    expect(page.locator("[data-testid=invoice-label]").first).to_have_text(
        re.compile(r"^\w+-\d{6}$")
    )
    screenshot(page)

    page.goto("/admin/billing/payments")
    expect(page.locator("main tbody tr[data-payment-id]").first).to_be_visible()
    assert_accessible(page)
    assert expected_cash(page) == cash_before + 650
    assert_accessible(page)
