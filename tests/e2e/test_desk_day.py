"""A clerk's turn at the counter, at 1280 px, in one browser: find "Juan" by
typing "jua" and pick the right one by photo, sign up a walk-in, sell them a
class pack for cash with change, and book them into a class from their page.

The UI is Spanish: selectors use ids and data attributes.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services.photos import change_member_photo
from app.extensions import db
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe
from tests.e2e.test_desk_payment import DESK
from tests.trainers.support import file_storage, image_bytes

pytestmark = pytest.mark.e2e

DESK_SCREEN = {"width": 1280, "height": 900}


def _juans_one_with_a_photo(live_app) -> tuple[int, str]:
    """Two or more demo members are called Juan; give one of them a photo."""
    with live_app.app_context():
        juans = db.session.scalars(
            select(User).where(User.role == Role.MEMBER, User.name.like("Juan %")).order_by(User.id)
        ).all()
        assert len(juans) >= 2, "the demo gym has several Juans"
        clerk = db.session.scalar(select(User).where(User.email == DESK))
        target = juans[-1]
        change_member_photo(target.id, file_storage(image_bytes((300, 300))), actor=clerk)
        found = (target.id, target.name)
        db.session.remove()
    return found


def test_a_clerk_finds_juan_signs_up_a_walk_in_sells_a_pack_and_books_a_class(
    live_app, new_context, screenshot, tmp_path
):
    juan_id, juan_name = _juans_one_with_a_photo(live_app)
    page = new_context(viewport=DESK_SCREEN).new_page()
    sign_in(page, DESK)
    page.goto("/admin/")

    # "jua": every Juan is listed; the one with the photo is the one at the counter
    page.locator("#header-member-q").press_sequentially("jua", delay=30)
    rows = page.locator("#header-member-matches .list-group-item")
    expect(rows.first).to_be_visible()
    assert rows.filter(has_text="Juan").count() >= 2
    with_photo = rows.filter(has=page.locator("img.avatar"))
    expect(with_photo).to_have_count(1)
    expect(with_photo).to_contain_text(juan_name)
    screenshot(page)
    with_photo.click()
    expect(page).to_have_url(re.compile(rf"/admin/members/{juan_id}$"))
    expect(page.locator("h1")).to_have_text(juan_name)

    # a walk-in signs up; the sale page opens with them filled in
    email = f"walk-in-{uuid.uuid4().hex[:6]}@example.com"
    photo = tmp_path / "walk-in.png"
    photo.write_bytes(image_bytes((400, 400), colour="orange"))
    page.goto("/admin/members/new")
    page.locator("#name").fill("Wendy Walk-in")
    page.locator("#email").fill(email)
    page.locator("#phone").fill("555 0199")
    page.locator("#photo").set_input_files(str(photo))
    page.locator("form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/billing/payments/new\?member_id=\d+$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("input[name=member]")).to_have_value(email)

    # a five-class pack for cash: 700 handed over for 650, 50 back
    page.locator("#method").select_option("cash")
    page.locator("#kind").select_option("pack")
    pack = page.locator("#pack_id option", has_text="Paquete 5 clases")
    page.locator("#pack_id").select_option(pack.get_attribute("value"))
    page.locator("#tendered").fill("700")
    expect(page.locator("#change-due")).to_contain_text("50.00")
    screenshot(page)
    page.locator("#payment-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/billing/payments/\d+$"))
    expect(page.locator("[data-testid=payment-change]")).to_contain_text("50.00")

    # from the walk-in's page: five credits, then a class booked
    with live_app.app_context():
        walk_in_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.remove()
    page.goto(f"/admin/members/{walk_in_id}")
    expect(page.locator("h1")).to_have_text("Wendy Walk-in")
    expect(page.locator("[data-testid=balance]")).to_contain_text("5")
    choice = page.locator("#session_id option:not([value=''])").first
    class_label = choice.inner_text()
    page.locator("#session_id").select_option(choice.get_attribute("value"))
    page.locator("[data-testid=book] form button[type=submit]").last.click()
    if page.locator("[data-testid=book-anyway]").count():  # an overlap is asked about first
        page.locator("[data-testid=book-anyway]").click()
    expect(page).to_have_url(re.compile(rf"/admin/members/{walk_in_id}$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    upcoming = page.locator("[data-testid=upcoming]")
    expect(upcoming).to_contain_text(class_label.split(" · ")[-1].strip())
    expect(page.locator("[data-testid=balance]")).to_contain_text("4")
    screenshot(page)
    assert not (violations := run_axe(page)), describe(violations)
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    assert overflow <= 0, f"the member page scrolls sideways by {overflow}px at 1280"
