"""Scheduling end to end: an admin sets up a recurring class through the forms,
and a member on a phone finds its sessions in the filtered week view.

Selectors use ids and attributes, not visible text: the UI defaults to Spanish.
"""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e

ADMIN = "admin@cupo.demo"
MEMBER = "member1@cupo.demo"
PHONE = {"width": 375, "height": 812}
# Free in the demo timetable (app/scheduling/demo.py) on every day: nothing
# runs in the Estudio between 10:00 and 19:00, and Diego is free at 14:00.
START = "14:00"
ROOM = "Estudio"
TRAINER = "Diego Ramírez"
EVERY_DAY = range(7)  # Monday..Sunday: sessions this week (today on) and next
COLOUR, COLOUR_RGB = "#d6336c", "rgb(214, 51, 108)"  # the new class type's


def create_class_type(page: Page, name: str) -> int:
    """Fill in /admin/class-types/new; return the new class type's id."""
    page.goto("/admin/class-types/new")
    page.locator("#name").fill(name)
    page.locator("#description").fill("Swings, snatches and get-ups.")
    page.locator("#colour").fill(COLOUR)
    page.locator("#tags").fill("strength")
    page.locator("#duration_minutes").fill("60")
    page.locator("#default_capacity").fill("12")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/class-types/\d+$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("#name")).to_have_value(name)
    match = re.search(r"/admin/class-types/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def create_timetable_entry(page: Page, class_type_id: int) -> None:
    """Fill in /admin/timetable/new for every weekday at START (first date: today)."""
    page.goto("/admin/timetable/new")
    page.locator("#class_type_id").select_option(str(class_type_id))
    for day in EVERY_DAY:
        page.locator(f"#weekdays-{day}").check()
    page.locator("#start_time").fill(START)
    expect(page.locator("#starts_on")).not_to_have_value("")  # today by default
    page.locator("#trainer_id").select_option(label=TRAINER)
    page.locator("#room_id").select_option(label=ROOM)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/timetable/\d+$"))
    # "Timetable saved. Sessions added: N, moved or changed: 0, removed: 0."
    flash = page.locator("main .alert-success")
    expect(flash).to_be_visible()
    added = re.search(r"\d+", flash.inner_text())
    assert added and int(added.group(0)) > 0, f"no sessions added: {flash.inner_text()!r}"


def test_member_finds_a_new_recurring_class_in_the_filtered_week(new_context, screenshot):
    name = f"Kettlebell {uuid.uuid4().hex[:6]}"

    # The admin creates the class type and its weekly timetable entry.
    admin = new_context().new_page()
    sign_in(admin, ADMIN, DEMO_PASSWORD)
    class_type_id = create_class_type(admin, name)
    create_timetable_entry(admin, class_type_id)

    # ... and the session list, filtered by it, shows upcoming sessions.
    admin.goto("/admin/sessions")
    admin.locator("#class_type").select_option(str(class_type_id))
    admin.locator("main form[role=search] button[type=submit]").click()
    expect(admin).to_have_url(re.compile(rf"[?&]class_type={class_type_id}(&|$)"))
    first_row = admin.locator("main tbody tr[data-session-id]").first
    expect(first_row).to_contain_text(name)
    # app.js paints the class colour from data-bg (no style attributes under the CSP)
    expect(first_row.locator(".badge[data-bg]")).to_have_css("background-color", COLOUR_RGB)

    # A member on a phone opens the schedule from the bottom bar ...
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, MEMBER, DEMO_PASSWORD)
    page.locator(".bottom-nav a[href='/app/schedule']").click()
    expect(page).to_have_url(re.compile(r"/app/schedule$"))
    listing = page.locator("#schedule-list")

    # ... switches to the week ...
    listing.locator("[role=group] a[href*='view=week']").click()
    expect(page).to_have_url(re.compile(r"[?&]view=week(&|$)"))
    expect(listing.locator("[role=group] a[aria-current=page][href*='view=week']")).to_be_visible()

    # ... opens the folded filters, picks the new class and applies it.
    filters = page.locator("form[role=search]")
    page.locator("details:has(form[role=search]) > summary").click()
    expect(filters).to_be_visible()
    expect(filters.locator("#view")).to_have_value("week")
    filters.locator("#class_type").select_option(str(class_type_id))
    filters.locator("button[type=submit]").click()
    # HTMX swaps in the list and the filter count, and puts the filters in the address.
    expect(page).to_have_url(re.compile(rf"[?&]class_type={class_type_id}(&|$)"))
    expect(page.locator("#filter-count .badge")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]view=week(&|$)"))

    cards = listing.locator("article.card")
    if cards.count() == 0:
        # Only late on a Sunday: this week's sessions are over, so go to next week.
        expect(listing.locator(".ti-calendar-off")).to_be_visible()
        this_week = page.url
        listing.locator("a[rel=next]").click()
        expect(page).not_to_have_url(this_week)
        expect(page).to_have_url(re.compile(rf"[?&]class_type={class_type_id}(&|$)"))
        expect(cards.first).to_be_visible()

    count = cards.count()
    assert count >= 1
    expect(cards.locator("[id^=session-][id$=-name]")).to_have_text([name] * count)
    # ... in cards HTMX swapped in, whose dots app.js still paints
    expect(cards.first.locator(".class-dot")).to_have_css("background-color", COLOUR_RGB)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"horizontal scroll: {scroll_width}px wide"
    screenshot(page)
