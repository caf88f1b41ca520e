"""Signing in, the phone layout, a newcomer's first sign-in, the language switch.

Selectors use ids and attributes, not visible text: the UI defaults to Spanish.
"""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD, MEMBER_COUNT
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e

ADMIN = "admin@cupo.demo"
MEMBER = "member1@cupo.demo"
PHONE = {"width": 375, "height": 812}
TEMP_PASSWORD = re.compile(r"[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}")


def sign_out(page: Page) -> None:
    """Open the account menu in the top bar and press "Sign out"."""
    page.locator("header .dropdown > [data-bs-toggle=dropdown]").click()
    page.locator("header form[action='/logout'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def test_admin_signs_in_and_sees_the_dashboard(page, screenshot):
    sign_in(page, ADMIN, DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("aside.navbar-vertical #sidebar-menu")).to_be_visible()
    expect(page.locator("#sidebar-menu a[href='/admin/emails/']")).to_be_visible()
    expect(page.locator("[data-testid=count-member]")).to_have_text(str(MEMBER_COUNT))
    screenshot(page)


def test_member_sees_the_phone_layout(new_context, screenshot):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, MEMBER, DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/app/$"))
    bottom_nav = page.locator(".bottom-nav")
    expect(bottom_nav).to_be_visible()
    box = bottom_nav.bounding_box()
    assert box is not None
    assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1, box
    assert box["x"] == 0 and box["width"] == PHONE["width"], box
    expect(page.locator(".navbar-vertical")).to_have_count(0)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"horizontal scroll: {scroll_width}px wide"
    screenshot(page)


def test_newcomer_signs_in_with_the_emailed_password(page, screenshot):
    email = f"newcomer-{uuid.uuid4().hex[:8]}@example.com"
    sign_in(page, ADMIN, DEMO_PASSWORD)

    # The admin creates the account.
    page.goto("/admin/users/new")
    page.locator("#name").fill("Nora Newcomer")
    page.locator("#email").fill(email)
    page.locator("#role").select_option("member")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/users/\d+$"))
    expect(page.locator("#email")).to_have_value(email)

    # ... and reads the temporary password in "Sent emails".
    page.locator("#sidebar-menu a[href='/admin/emails/']").click()
    expect(page).to_have_url(re.compile(r"/admin/emails/$"))
    page.locator("tbody tr", has_text=email).first.locator("a").click()
    expect(page).to_have_url(re.compile(r"/admin/emails/\d+$"))
    body = page.locator("[data-testid=email-body]")
    expect(body).to_contain_text(TEMP_PASSWORD)
    match = TEMP_PASSWORD.search(body.inner_text())
    assert match, "no temporary password in the email"
    temporary = match.group(0)
    sign_out(page)

    # The newcomer signs in with it and must choose their own first.
    sign_in(page, email, temporary)
    expect(page).to_have_url(re.compile(r"/password/change$"))
    expect(page.locator("#current_password")).to_have_count(0)
    page.goto("/app/")  # every other page sends them back until they do
    expect(page).to_have_url(re.compile(r"/password/change$"))
    new_password = "my-own-password-2026"
    page.locator("#password").fill(new_password)
    page.locator("#confirm").fill(new_password)
    page.locator("main form:not([action]) button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/app/$"))
    expect(page.locator("main h1")).to_contain_text("Nora")
    expect(page.locator(".bottom-nav")).to_be_visible()
    screenshot(page)


def test_language_switch_persists(page, screenshot):
    page.goto("/login")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "es")

    page.locator("#language-select").select_option("en")
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("#language-select")).to_have_value("en")

    page.reload()
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    screenshot(page)
