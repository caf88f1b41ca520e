"""The member app at the door without a connection, in a real Chromium.

The app server is stopped, not the browser's network: Playwright's
`set_offline` does not reach the service worker's own fetches. So these
tests run their own server on the e2e app, stopped half-way through, and a
persistent profile at 375 px, as on a phone.
"""

import threading
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from app.accounts.models import Role, User
from app.attendance.tokens import qr_token
from app.booking.services.bookings import book_now, cancel_booking
from app.core.db import transaction
from app.core.models import utc_now
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.scheduling.models import ClassSession
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.e2e.support import sign_in
from tests.e2e.test_booking_flow import PHONE
from tests.e2e.test_scanner import _user
from tests.tools import decode_qr

pytestmark = pytest.mark.e2e

SYNCED = "html[data-offline-synced=ok]"
#: every URL the page's origin keeps in CacheStorage, by cache
STORED = """caches.keys().then(keys => Promise.all(keys.map(key => caches.open(key)
    .then(cache => cache.keys())
    .then(requests => [key, requests.map(r => new URL(r.url).pathname)]))))
    .then(Object.fromEntries)"""


class Server:
    """The e2e app on its own port, which a test may stop."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    def stop(self):
        if self.running:
            self.server.shutdown()
            self.thread.join(timeout=10)
            self.server.server_close()
            self.running = False


@pytest.fixture
def server(live_app):
    running = Server(live_app)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def phone(playwright, browser, server, tmp_path):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="es-ES",  # the member chose English: the offline page follows them
    )
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def booked_member(live_app):
    """A member with classes in 2 hours, in 3 days, in 5 days and in 9 days."""
    with live_app.app_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            member = _user(Role.MEMBER, f"Olivia Offline {tag}", tag)
            member.language = "en"
            db.session.flush()
            ledger.grant(
                member.id, 8 * CC, utc_now() + timedelta(days=30), source=LotSource.PURCHASE
            )
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
        now = utc_now()
        bookings = {}
        for name, ahead in (("soon", 2 / 24), ("three", 3), ("five", 5), ("nine", 9)):
            cs = db.session.scalar(
                select(ClassSession)
                .where(ClassSession.starts_at > now + timedelta(days=ahead))
                .order_by(ClassSession.starts_at)
            )
            bookings[name] = book_now(cs.id, member, actor=admin).id
        info = {"email": member.email, "id": member.id, **bookings}
        db.session.remove()
    return info


def _stored(page) -> dict[str, list[str]]:
    return page.evaluate(STORED)


def _member_pages(page) -> list[str]:
    stored = _stored(page).items()
    return [url for key, urls in stored if key.startswith("cupo-pages-") for url in urls]


def _sync(page, path="/app/bookings"):
    page.evaluate("delete document.documentElement.dataset.offlineSynced")
    page.goto(path)
    page.wait_for_selector(SYNCED, state="attached")


def test_bookings_and_the_next_pass_show_at_the_door_with_the_server_gone(
    phone, server, booked_member, live_app, screenshot
):
    page = phone.pages[0] if phone.pages else phone.new_page()
    b = booked_member
    sign_in(page, b["email"])
    _sync(page)
    stored = _member_pages(page)
    for name in ("soon", "three", "five"):
        assert f"/app/bookings/{b[name]}" in stored and f"/app/bookings/{b[name]}/qr.png" in stored
    assert f"/app/bookings/{b['nine']}" not in stored  # beyond the next 7 days
    assert "/app/" in stored and "/app/bookings" in stored

    with live_app.app_context():
        member = db.session.get(User, b["id"])
        cancel_booking(b["five"], member, actor=member)
        db.session.remove()
    _sync(page)
    stored = _member_pages(page)
    assert not any(url.startswith(f"/app/bookings/{b['five']}") for url in stored), stored

    server.stop()

    page.goto("/app/bookings")
    notice = page.locator("[data-offline-notice]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("You're offline — updated")
    expect(notice).to_contain_text("Booking needs a connection.")
    upcoming = page.locator("#my-upcoming")
    expect(upcoming.locator(f"[data-booking-id='{b['soon']}']")).to_be_visible()
    expect(upcoming.locator(f"[data-booking-id='{b['three']}']")).to_be_visible()
    expect(upcoming.locator(f"[data-booking-id='{b['five']}']")).to_have_count(0)
    cancel = upcoming.locator("a[data-action=cancel]").first
    expect(cancel).to_have_attribute("aria-disabled", "true")
    cancel.click(force=True)
    expect(page).to_have_url(f"{server.url}/app/bookings")  # a disabled link goes nowhere
    screenshot(page)

    page.goto("/app/")
    expect(page.locator("[data-offline-notice]")).to_be_visible()
    card = page.locator("#next-class")
    expect(card).to_have_attribute("data-booking-id", str(b["soon"]))
    card.locator("[data-qr-full]").click()
    full = page.locator(".checkin-qr.is-full")
    expect(full).to_be_visible()
    expect(full.locator("[data-short-code]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "offline_full_screen_pass.png"))
    full.locator("img").evaluate("img => img.decode()")
    with live_app.app_context():
        assert decode_qr(full.screenshot()) == qr_token(b["soon"])
    page.keyboard.press("Escape")
    expect(page.locator(".checkin-qr.is-full")).to_have_count(0)

    page.goto(f"/app/bookings/{b['five']}")  # cancelled: its pass was not kept
    expect(page.locator("h1")).to_have_text("You're offline")


def test_signing_out_deletes_every_stored_page_and_pass(phone, booked_member):
    page = phone.pages[0] if phone.pages else phone.new_page()
    sign_in(page, booked_member["email"])
    _sync(page)
    assert f"/app/bookings/{booked_member['soon']}/qr.png" in _member_pages(page)

    page.goto("/app/profile")
    page.locator("form[action='/logout'] button").first.click()
    page.wait_for_selector("html[data-offline-cleared]", state="attached")

    assert "/login" in page.url
    assert _member_pages(page) == []
    assert not any(key.startswith("cupo-pages-") for key in _stored(page))
