"""Chromium's own installability check passes on the member app: the
manifest, its icons and the page are what the browser wants to install.

A persistent profile, as on a phone: Chromium never offers to install an app
from an incognito (throwaway) context.
"""

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.support import sign_in
from tests.e2e.test_booking_flow import PHONE

pytestmark = pytest.mark.e2e

MEMBER = "member1@cupo.demo"


@pytest.fixture
def phone(playwright, live_server, tmp_path):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=live_server,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


def test_chromium_finds_nothing_stopping_the_member_app_being_installed(phone, screenshot):
    page = phone.pages[0] if phone.pages else phone.new_page()
    sign_in(page, MEMBER)
    page.goto("/app/")
    page.wait_for_load_state("networkidle")

    cdp = phone.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]

    assert manifest["url"].endswith("/app/manifest.webmanifest")
    assert not manifest.get("errors"), manifest["errors"]
    assert errors == [], errors
    screenshot(page)


def test_the_worker_activates_and_precaches_the_shell(phone):
    page = phone.pages[0] if phone.pages else phone.new_page()
    sign_in(page, MEMBER)
    page.goto("/app/")

    # `ready` may answer while the worker is still activating: wait for the end of it
    state = page.evaluate(
        """navigator.serviceWorker.ready
            .then(r => r.active.state === 'activated' ? r : new Promise(done =>
                r.active.addEventListener('statechange', () =>
                    r.active.state === 'activated' && done(r))))
            .then(r => [r.active.state, r.active.scriptURL, r.scope])"""
    )
    cached = page.evaluate(
        """caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k)
            .then(c => c.keys()).then(rs => rs.map(r => new URL(r.url).pathname)))))
            .then(lists => lists.flat())"""
    )

    assert state[0] == "activated"
    assert state[1].endswith("/app/sw.js") and state[2].endswith("/app/")
    assert any(path.startswith("/static/css/app.") for path in cached), cached
    assert "/app/offline" in cached
