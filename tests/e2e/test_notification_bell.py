"""The bell: a member's phone shows a new notification's count without a
reload (the poll runs when the tab comes back into view), and the list opens
the item it is about."""

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.core import signals
from app.core.db import transaction
from app.extensions import db
from tests.e2e.support import sign_in
from tests.e2e.test_booking_flow import PHONE

pytestmark = pytest.mark.e2e

MEMBER = "member1@cupo.demo"


def _unread(page) -> int:
    return int(page.get_attribute("#bell", "data-unread"))


def test_a_members_bell_counts_a_new_notification_without_reload(new_context, live_app, screenshot):
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, MEMBER)
    page.goto("/app/")
    before = _unread(page)
    page.evaluate("window.cupoMarker = 'same page'")

    with live_app.app_context():
        member_id = db.session.scalar(select(User.id).where(User.email == MEMBER))
        with transaction():
            signals.tell(
                member_id,
                "membership_expired",
                link="/app/",
                plan_name="Mensual",
            )
        db.session.remove()
    # what the browser does when the member comes back to the tab
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    page.wait_for_function(f"Number(document.querySelector('#bell').dataset.unread) > {before}")
    assert page.evaluate("window.cupoMarker") == "same page"  # no reload
    label = page.get_attribute("#bell", "aria-label")
    assert label == f"Notificaciones, {before + 1} sin leer"
    bell_box = page.locator("#bell").bounding_box()
    assert bell_box["x"] + bell_box["width"] <= PHONE["width"]
    screenshot(page)

    page.click("#bell")
    page.wait_for_url("**/app/notifications")
    first = page.locator(".notification-list li").first
    assert "Tu membresía Mensual ha vencido." in first.inner_text()
    first.locator("button").click()
    page.wait_for_url("**/app/")
    assert _unread(page) == before
