"""The front desk finds a member by typing part of a name without accents:
the header's type-ahead shows photo, number and plan, and the payment form's
picker fills the member field with the one picked. At 1280 and 375 px.

The UI is Spanish: selectors use ids and data attributes.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe
from tests.e2e.test_desk_payment import DESK

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 375])
def test_desk_finds_a_member_from_the_header_and_opens_their_page(new_context, screenshot, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    sign_in(page, DESK)
    page.goto("/admin/")

    page.locator("#header-member-q").press_sequentially("jose", delay=30)

    rows = page.locator("#header-member-matches .list-group-item")
    expect(rows.first).to_be_visible()
    expect(rows.first).to_contain_text(re.compile("José", re.I))
    expect(rows.first).to_contain_text("N.º")
    box = rows.first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    violations = run_axe(page)
    assert violations == [], describe(violations)
    screenshot(page)
    rows.first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/.*members/\d+"))


def test_desk_picks_a_member_on_the_payment_form(new_context, screenshot):
    page = new_context().new_page()
    sign_in(page, DESK)
    page.goto("/admin/billing/payments/new")

    page.locator("#member").press_sequentially("jua", delay=30)
    first = page.locator("#member-matches [data-member-pick]").first
    expect(first).to_be_visible()
    email = first.get_attribute("data-member-pick")
    screenshot(page)
    first.click()

    expect(page.locator("#member")).to_have_value(email)
    expect(page.locator("#member-matches [data-member-pick]")).to_have_count(0)


def test_without_script_the_search_is_a_results_page(new_context):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, DESK)
    page.goto("/admin/")

    page.locator("#header-member-q").fill("jua")
    page.locator("#header-member-q").press("Enter")

    expect(page).to_have_url(re.compile(r"/admin/members\?q=jua"))
    expect(page.locator("[data-testid=member-results] a").first).to_contain_text("Ju")


def test_an_ambiguous_name_on_the_payment_form_lists_members_to_pick(new_context, screenshot):
    page = new_context().new_page()
    sign_in(page, DESK)
    page.goto("/admin/billing/payments/new")

    page.locator("#member").fill("juan")
    page.locator("#payment-form button[type=submit]").click()

    candidates = page.locator("[data-testid=member-candidates] input[type=radio]")
    expect(candidates.first).to_be_visible()
    assert candidates.count() >= 2
    violations = run_axe(page)
    assert violations == [], describe(violations)
    screenshot(page)
    email = candidates.nth(1).get_attribute("value")
    page.locator("[data-testid=member-candidates] label").nth(1).click()
    page.locator("#payment-form button[type=submit]").click()

    expect(page.locator("#member")).to_have_value(email)
    expect(page.locator("#member-error")).to_have_count(0)
