"""What the browser tests share: signing in through the real form."""

import re

from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in at /login and wait to leave it (a demo account unless told)."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form:not(.language-switcher) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login(\?|$)"))
