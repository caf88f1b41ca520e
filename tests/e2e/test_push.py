"""Web Push in a real Chromium: a member at 375 px turns notifications on,
a booking confirmation is pushed through a local push service
(tests/push_receiver.py), and the member app's worker shows it.

Chromium's own push service is out of reach in a test, so the page's
`pushManager.subscribe` is stubbed to return the test's subscription (its
keys, the local receiver's endpoint), and the message the receiver got is
decrypted with those keys and handed to the worker through DevTools
(`ServiceWorker.deliverPushMessage`), as the push service would hand it.
"""

import json
import time
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role
from app.core import signals
from app.core.db import transaction
from app.core.models import utc_now
from app.extensions import db
from app.notifications.models import NotificationSettings, PushSubscription
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.support import sign_in
from tests.e2e.test_booking_flow import PHONE
from tests.e2e.test_scanner import _user
from tests.push_receiver import BrowserKeys, PushReceiver

pytestmark = pytest.mark.e2e

#: the browser's push subscription, stubbed: `subscribe` returns the test's,
#: and it stays "subscribed" across reloads (localStorage), as a real one does
STUB_PUSH = """
(() => {
  if (!self.PushManager) return;
  const sent = %s;
  const KEPT = "test.push.subscribed";
  function subscription(key) {
    return {
      endpoint: sent.endpoint,
      options: { applicationServerKey: key, userVisibleOnly: true },
      toJSON: () => sent,
      unsubscribe: () => { localStorage.removeItem(KEPT); return Promise.resolve(true); },
    };
  }
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(localStorage.getItem(KEPT) ? subscription(null) : null);
  };
  PushManager.prototype.subscribe = function (options) {
    localStorage.setItem(KEPT, "yes");
    localStorage.setItem("test.push.options", JSON.stringify({
      userVisibleOnly: options.userVisibleOnly,
      keyLength: new Uint8Array(options.applicationServerKey).length,
    }));
    return Promise.resolve(subscription(options.applicationServerKey));
  };
})();
"""

SHOWN = """() => navigator.serviceWorker.getRegistration("/app/")
  .then((registration) => registration.getNotifications())
  .then((shown) => shown.map((n) => ({ title: n.title, tag: n.tag, data: n.data })))"""


def _registration_id(page, cdp, scope: str, timeout: float = 10) -> str:
    """The id DevTools gives the worker registration of `scope`. Waits on the
    page (not time.sleep), so Playwright delivers DevTools' events meanwhile."""
    found = {}

    def seen(event):
        for registration in event["registrations"]:
            if not registration.get("isDeleted"):
                found[registration["scopeURL"]] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for url, registration_id in found.items():
            if url.endswith(scope):
                return registration_id
        page.wait_for_timeout(100)
    raise AssertionError(f"no worker registration for {scope}: {found}")


def test_a_member_turns_push_on_and_the_worker_shows_a_booking_confirmation(
    live_app, live_server, new_context
):
    tag = uuid.uuid4().hex[:8]
    with live_app.app_context():
        with transaction():
            member = _user(Role.MEMBER, "Push Member", tag)
        member_id, email = member.id, member.email
        with transaction():
            db.session.add(
                NotificationSettings(
                    user_id=member_id, choices={"booking_confirmed": {"push": True}}
                )
            )
        db.session.remove()
    phone_keys = BrowserKeys()

    with PushReceiver() as receiver:
        endpoint = receiver.endpoint(f"phone-{tag}")
        context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        context.grant_permissions(["notifications"], origin=live_server)
        context.add_init_script(STUB_PUSH % json.dumps(phone_keys.subscription(endpoint)))
        page = context.new_page()
        sign_in(page, email)
        page.goto("/app/notifications/settings")
        page.wait_for_function(
            "navigator.serviceWorker.getRegistration('/app/').then((r) => Boolean(r && r.active))"
        )
        page.reload()  # the worker controls the page; push.js sees it ready

        button = page.get_by_role("button", name="Activar notificaciones")
        expect(button).to_be_visible()
        button.click()

        expect(page.locator("[data-push-state=on]")).to_be_visible()
        expect(page.locator("[data-push-endpoint] [data-this-device]")).to_be_visible()
        asked = json.loads(page.evaluate("localStorage.getItem('test.push.options')"))
        assert asked == {"userVisibleOnly": True, "keyLength": 65}  # the VAPID public key
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "push_turned_on_es_375.png"), full_page=True)
        with live_app.app_context():
            device = db.session.scalar(
                select(PushSubscription).where(PushSubscription.endpoint == endpoint)
            )
            assert device is not None and device.user_id == member_id
            assert (device.p256dh, device.auth) == (phone_keys.p256dh, phone_keys.auth)
            db.session.remove()

        with live_app.app_context():
            starts = (utc_now() + timedelta(days=1)).isoformat()
            with transaction():  # jobs run inline after commit on the e2e app
                signals.tell(
                    member_id,
                    "booking_confirmed",
                    link="/app/bookings",
                    class_name="Yoga",
                    starts_at=starts,
                )
            db.session.remove()
        [message] = receiver.wait_for(1)
        assert message.refused is None and message.status == 201
        payload = phone_keys.decrypt(message.body).decode()
        sent = json.loads(payload)
        assert sent["title"].startswith("Tienes reservada Yoga")
        assert sent["url"] == "/app/bookings"

        cdp = context.new_cdp_session(page)
        registration = _registration_id(page, cdp, "/app/")
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server, "registrationId": registration, "data": payload},
        )

        page.wait_for_function(f"({SHOWN})().then((shown) => shown.length > 0)")
        [shown] = page.evaluate(SHOWN)
        assert shown["title"] == sent["title"]
        assert shown["tag"] == sent["tag"]
        assert shown["data"] == {"url": "/app/bookings"}
