"""Layout of the trainer portal on a phone and the session roster on a laptop.

At 375 px the trainer's header stays one row and class names are whole (not
cut to two letters by the spots badge); at 1280 px the roster and the
attendance list fit: no sideways scrolling, and every button is inside the
window and inside its table's scroll box. Checked with bounding boxes.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}

#: buttons and button-like links of <main> that are cut off: outside the window,
#: or outside the scroll box (.table-responsive) that holds them
CLIPPED_BUTTONS = """() => [...document.querySelectorAll('main button, main .btn')]
    .filter(el => el.offsetParent !== null && !el.closest('.dropdown-menu'))
    .filter(el => {
        const box = el.getBoundingClientRect();
        const scroller = el.closest('.table-responsive');
        const limit = scroller ? scroller.getBoundingClientRect().right : innerWidth;
        return box.left < 0 || box.right > Math.min(limit, innerWidth) + 1;
    })
    .map(el => el.textContent.trim() || el.outerHTML.slice(0, 80))"""


def assert_no_sideways_scroll(page: Page) -> None:
    width, window = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert width <= window, f"{page.url} scrolls sideways: {width}px in {window}px"


def test_the_trainer_portal_fits_a_phone(new_context, screenshot):
    page = new_context(**PHONE).new_page()
    sign_in(page, "carla@cupo.demo")
    expect(page).to_have_url(re.compile(r"/trainer/$"))

    assert_no_sideways_scroll(page)
    # the header is one row: brand, language, scan and account menu side by side
    header = page.locator("header.navbar > div")
    tops = header.evaluate("row => [...row.children].map(c => c.getBoundingClientRect().top)")
    assert max(tops) - min(tops) < 8, f"the header wraps: {tops}"
    assert header.bounding_box()["height"] < 64
    # class names are whole: nothing clipped, and longer than two letters show
    names = page.locator("article.card [id$='-name']")
    assert names.count() > 0
    clipped = names.evaluate_all(
        "els => els.filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)"
    )
    assert clipped == [], f"class names cut off: {clipped}"
    for name in names.all()[:5]:
        assert name.bounding_box()["width"] > 60, name.inner_text()
    # the account menu still leads to the profile and signs out
    page.locator("header .dropdown > [data-bs-toggle=dropdown]").click()
    expect(page.locator("header .dropdown-menu a[href='/trainer/profile/']")).to_be_visible()
    screenshot(page)

    page.locator("[data-testid=attendance-link]").first.click()
    expect(page).to_have_url(re.compile(r"/trainer/sessions/\d+/attendance$"))
    assert_no_sideways_scroll(page)
    assert page.evaluate(CLIPPED_BUTTONS) == []


def test_the_roster_and_attendance_list_fit_a_laptop(new_context, screenshot):
    page = new_context(**LAPTOP).new_page()
    sign_in(page, "admin@cupo.demo")
    page.goto("/admin/sessions")
    href = page.locator("main tbody a[href^='/admin/sessions/']").first.get_attribute("href")
    assert href and re.fullmatch(r"/admin/sessions/\d+", href), href

    page.goto(f"{href}/roster")
    rows = page.locator("[data-testid=roster-confirmed] tbody tr[data-booking-id]")
    assert rows.count() > 0, "the demo's next class has bookings"
    assert_no_sideways_scroll(page)
    assert page.evaluate(CLIPPED_BUTTONS) == []
    cancel = rows.first.get_by_role("button").first
    cancel.scroll_into_view_if_needed()
    expect(cancel).to_be_in_viewport(ratio=1)
    screenshot(page)

    page.goto(f"{href}/attendance")
    assert_no_sideways_scroll(page)
    assert page.evaluate(CLIPPED_BUTTONS) == []
