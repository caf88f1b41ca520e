"""The desk signs up a walk-in in a real browser: the webcam's picture goes
into the file input, the account is created with it, and the sale page
opens with the new member filled in. The member page passes axe.

The camera is Chromium's fake device (its moving test pattern), in a second
Chromium launched with the fake-media flags.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

DESK = "recepcion@cupo.demo"


@pytest.fixture
def camera_browser(playwright):
    camera = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    )
    try:
        yield camera
    finally:
        camera.close()


def test_desk_signs_up_a_walk_in_with_a_webcam_photo(
    live_app, live_server, camera_browser, screenshot
):
    email = f"walk-in-{uuid.uuid4().hex[:6]}@example.com"
    context = camera_browser.new_context(
        base_url=live_server, viewport=DESKTOP, locale="es-MX", permissions=["camera"]
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, DESK)
        page.goto("/admin/members/new")
        page.locator("#name").fill("Walter Walk-in")
        page.locator("#email").fill(email)
        page.locator("[data-camera-start]").click()
        expect(page.locator("[data-camera] video")).to_be_visible()
        page.locator("[data-camera-take]").click()
        expect(page.locator("[data-camera] canvas")).to_be_visible()
        assert page.evaluate("document.getElementById('photo').files[0].type") == "image/jpeg"
        page.locator("form[enctype] button[type=submit]").click()

        expect(page).to_have_url(re.compile(r"/admin/billing/payments/new\?member_id=\d+$"))
        expect(page.locator("input[name=member]")).to_have_value(email)
        with live_app.app_context():
            member = db.session.scalar(select(User).where(User.email == email))
            assert member.photo_path is not None
            member_id = member.id
            db.session.remove()

        page.goto(f"/admin/members/{member_id}")
        expect(page.locator("h1")).to_have_text("Walter Walk-in")
        screenshot(page)
        assert not (violations := run_axe(page)), describe(violations)
    finally:
        context.close()


def test_sign_up_without_a_camera_keeps_the_file_input(new_context):
    page = new_context().new_page()
    sign_in(page, DESK)
    page.goto("/admin/members/new")

    expect(page.locator("#photo")).to_be_visible()
    assert not (violations := run_axe(page)), describe(violations)
