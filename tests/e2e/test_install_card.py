"""The "Add to home screen" card on the member home, on a 375 px phone.

Chromium offers to install only from a persistent profile after its own
checks, so these tests fire a synthetic `beforeinstallprompt` (an Event with
a stub `prompt()` and `userChoice`) as the browser would; iOS Safari is a
user agent (and, for iPadOS, a Mac one with a touch screen).
"""

import uuid

import pytest
from playwright.sync_api import expect

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.core.db import transaction
from app.demo import DEMO_PASSWORD
from app.extensions import db
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
IPHONE_CHROME = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1"
)
IPAD_AS_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Safari/605.1.15"
)
DISMISSED = "cupo.install-card.dismissed"

#: what Chromium fires when the app can be installed; the stub counts prompts
#: and answers `userChoice` when the test calls window.__choose(outcome)
OFFER = """() => {
    window.__prompts = 0;
    const offer = new Event("beforeinstallprompt", { cancelable: true });
    offer.prompt = () => { window.__prompts += 1; return Promise.resolve(); };
    offer.userChoice = new Promise((done) => {
        window.__choose = (outcome) => done({ outcome, platform: "web" });
    });
    window.dispatchEvent(offer);
    return offer.defaultPrevented;
}"""


@pytest.fixture
def member(live_app):
    """member(language): a new member's email (their own phone: nothing stored yet)."""

    def make(language: str = "es") -> str:
        email = f"install-{uuid.uuid4().hex[:8]}@example.com"
        with live_app.app_context():
            with transaction():
                db.session.add(
                    User(
                        email=email,
                        name="Inés Prado",
                        role=Role.MEMBER,
                        language=language,
                        password_hash=hash_password(DEMO_PASSWORD),
                    )
                )
            db.session.remove()
        return email

    return make


@pytest.fixture
def phone(new_context, member):
    """phone(user_agent, language): a signed-in member's home on a 375 px phone."""

    def open_home(user_agent: str = ANDROID_CHROME, language: str = "es", **options):
        context = new_context(**{**PHONE, "user_agent": user_agent, **options})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        sign_in(page, member(language))
        page.goto("/app/")
        page.wait_for_load_state("load")
        return page

    return open_home


TEXTS = {
    "es": ("Instala Cupo Gym en tu teléfono", "Instalar", "Ahora no", "Toca Compartir"),
    "en": ("Install Cupo Gym on your phone", "Install", "Not now", "Tap Share"),
}


def _gym_name(live_app) -> str:
    from app.settings.services import gym_settings

    with live_app.test_request_context():
        return gym_settings().gym_name


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_browsers_offer_shows_the_card_and_install_opens_it(
    phone, live_app, screenshot, language
):
    title, install, not_now, _steps = TEXTS[language]
    title = title.replace("Cupo Gym", _gym_name(live_app))
    page = phone(language=language)
    card = page.locator("#install-card")
    expect(card).to_be_hidden()

    assert page.evaluate(OFFER) is True  # the browser's own bar is held back

    expect(card).to_be_visible()
    expect(card.get_by_role("heading")).to_have_text(title)
    expect(card.get_by_role("button", name=install)).to_be_visible()
    expect(card.get_by_role("button", name=not_now)).to_be_visible()
    expect(card.locator("[data-install-steps]")).to_be_hidden()
    assert not (violations := run_axe(page, "#install-card")), describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card.scroll_into_view_if_needed()
    screenshot(page)

    card.get_by_role("button", name=install).click()

    assert page.evaluate("window.__prompts") == 1
    expect(card.get_by_role("button", name=install)).to_be_disabled()  # the browser asks now
    page.evaluate("window.__choose('accepted')")
    expect(card).to_be_hidden()
    expect(page.locator("#main")).to_be_focused()  # focus not lost with the card
    assert page.errors == []


def test_install_declined_in_the_browsers_dialog_is_not_offered_again(phone):
    page = phone()
    page.evaluate(OFFER)
    page.locator("#install-card [data-install-action=install]").click()
    page.evaluate("window.__choose('dismissed')")
    expect(page.locator("#install-card")).to_be_hidden()

    page.reload()
    assert page.evaluate(OFFER) is True

    expect(page.locator("#install-card")).to_be_hidden()


def test_not_now_is_remembered_on_this_phone(phone):
    page = phone()
    page.evaluate(OFFER)
    card = page.locator("#install-card")
    card.get_by_role("button", name="Ahora no").click()

    expect(card).to_be_hidden()
    assert page.evaluate(f"localStorage.getItem('{DISMISSED}')")

    page.reload()
    page.evaluate(OFFER)
    page.goto("/app/schedule")
    page.goto("/app/")
    page.evaluate(OFFER)

    expect(card).to_be_hidden()
    assert page.errors == []


def test_the_app_once_installed_hides_the_card(phone):
    page = phone()
    page.evaluate(OFFER)
    expect(page.locator("#install-card")).to_be_visible()

    page.evaluate("window.dispatchEvent(new Event('appinstalled'))")

    expect(page.locator("#install-card")).to_be_hidden()


@pytest.mark.parametrize("language", ["es", "en"])
def test_iphone_safari_shows_the_share_steps_until_dismissed(phone, live_app, screenshot, language):
    title, install, not_now, steps = TEXTS[language]
    page = phone(IPHONE_SAFARI, language)
    card = page.locator("#install-card")

    expect(card).to_be_visible()
    expect(card.get_by_role("heading")).to_have_text(title.replace("Cupo Gym", _gym_name(live_app)))
    expect(card.locator("[data-install-steps] li")).to_have_count(2)
    expect(card.locator("[data-install-steps]")).to_contain_text(steps)
    expect(card.locator("[data-install-steps] .ti-share-2")).to_be_visible()
    expect(card.get_by_role("button", name=install)).to_be_hidden()  # iOS has no prompt
    assert not (violations := run_axe(page, "#install-card")), describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card.scroll_into_view_if_needed()
    screenshot(page)

    card.get_by_role("button", name=not_now).click()
    expect(card).to_be_hidden()
    page.reload()

    expect(card).to_be_hidden()
    assert page.errors == []


def test_ipados_safari_which_says_macintosh_but_has_a_touch_screen_gets_the_steps(phone):
    page = phone(IPAD_AS_MAC)
    # an iPad reports five touch points; Playwright's touch emulation one
    page.context.new_cdp_session(page).send(
        "Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5}
    )
    page.reload()

    expect(page.locator("#install-card [data-install-steps]")).to_be_visible()


@pytest.mark.parametrize(
    ("user_agent", "options"),
    [
        pytest.param(ANDROID_CHROME, {}, id="no-offer-from-the-browser"),
        pytest.param(IPHONE_CHROME, {}, id="chrome-on-iphone"),
        pytest.param(IPAD_AS_MAC, {"has_touch": False, "is_mobile": False}, id="a-real-mac"),
    ],
)
def test_no_card_without_an_offer_or_ios_safari(phone, user_agent, options):
    page = phone(user_agent, **options)
    page.wait_for_load_state("networkidle")

    expect(page.locator("#install-card")).to_be_hidden()
    assert page.errors == []


def test_never_inside_the_installed_app(phone, new_context):
    # iOS says so with navigator.standalone ...
    page = phone(IPHONE_SAFARI)
    page.add_init_script("Object.defineProperty(navigator, 'standalone', { value: true })")
    page.reload()
    expect(page.locator("#install-card")).to_be_hidden()

    # ... other browsers with the display-mode media query (not emulated by
    # DevTools, so answered here as an installed app's browser answers it)
    page = phone()
    page.add_init_script(
        """const real = window.matchMedia.bind(window);
        window.matchMedia = (query) => query.includes("display-mode: standalone")
            ? { matches: true, media: query, addEventListener() {}, removeEventListener() {} }
            : real(query);"""
    )
    page.reload()
    assert page.evaluate(OFFER) is True
    expect(page.locator("#install-card")).to_be_hidden()


def test_a_phone_that_refuses_storage_still_gets_a_working_card(phone):
    page = phone()
    page.add_init_script(
        """Object.defineProperty(window, "localStorage", {
            get() { throw new DOMException("blocked", "SecurityError"); },
        });"""
    )
    page.reload()

    page.evaluate(OFFER)
    card = page.locator("#install-card")
    expect(card).to_be_visible()
    card.get_by_role("button", name="Ahora no").click()

    expect(card).to_be_hidden()
    assert page.errors == []
