"""Accessibility: axe-core (WCAG 2.1 A and AA rules) on every page, and the keyboard.

axe-core is vendored in tests/e2e/vendor/axe-core/ (see its README) and
injected into each page; the app never serves it. Each page is its own test.
Each role signs in once for the module and the tests reuse its cookies, which
keeps the e2e run well under the login rate limit.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 812}
MOBILE = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
LOGINS = {
    "admin": "admin@cupo.demo",
    "member": "member1@cupo.demo",
    "trainer": "carla@cupo.demo",
    "front_desk": "recepcion@cupo.demo",
}
FIELDS = "main form :is(input:not([type=hidden], [type=submit]), select, textarea)"
SIGN_IN_BUTTON = "main form:not(.language-switcher) button[type=submit]"


def _first_person(page: Page) -> None:
    """Open the first staff account of the people list (/admin/users/<id>;
    members' names lead to their member page)."""
    page.goto("/admin/users/?role=front_desk")
    href = page.locator("main tbody a[href^='/admin/users/']").first.get_attribute("href")
    assert href and re.fullmatch(r"/admin/users/\d+", href), href
    page.goto(href)


def _first_session(page: Page) -> None:
    """Open the first upcoming class of the session list (/admin/sessions/<id>)."""
    page.goto("/admin/sessions")
    href = page.locator("main tbody a[href^='/admin/sessions/']").first.get_attribute("href")
    assert href and re.fullmatch(r"/admin/sessions/\d+", href), href
    page.goto(href)


def _first_trainer(page: Page) -> None:
    """Open the first trainer profile of the trainer list (/admin/trainers/<id>)."""
    page.goto("/admin/trainers/")
    href = page.locator("main tbody a[href^='/admin/trainers/']").first.get_attribute("href")
    assert href and re.fullmatch(r"/admin/trainers/\d+", href), href
    page.goto(href)


def _first_member(page: Page) -> None:
    """Open the member page of the first member of the people list
    (/admin/members/<id>), with the desk's photo card."""
    page.goto("/admin/users/?role=member")
    href = page.locator("main tbody a[href^='/admin/members/']").first.get_attribute("href")
    assert href and re.fullmatch(r"/admin/members/\d+", href), href
    page.goto(href)
    expect(page.locator("#photo-card")).to_be_visible()


def _first_member_attendance(page: Page) -> None:
    """Open the attendance page of the first member (/admin/members/<id>/attendance)."""
    _first_member(page)
    page.goto(f"{page.url.rstrip('/')}/attendance")
    expect(page.locator("#attendance-history")).to_be_visible()


def _login_with_errors(page: Page) -> None:
    """The sign-in form re-rendered with its field errors (nothing filled in)."""
    page.goto("/login")
    page.locator(SIGN_IN_BUTTON).click()
    expect(page.locator("main .invalid-feedback").first).to_be_visible()


# who (None: anonymous), what to open (a path, or a function that opens it), context options
def _first_program(page: Page) -> None:
    """Open the first template of the trainer's programs (/trainer/programs/<id>)."""
    page.goto("/trainer/programs/")
    href = page.locator("#program-list a").first.get_attribute("href")
    assert href and re.fullmatch(r"/trainer/programs/\d+", href), href
    page.goto(href)


PAGES = [
    pytest.param(None, "/login", {}, id="login"),
    pytest.param(None, _login_with_errors, {}, id="login-with-errors"),
    pytest.param(None, "/password/forgot", {}, id="forgot-password"),
    pytest.param(None, "/", {}, id="public-index"),
    pytest.param(None, "/no-such-page", {}, id="not-found"),
    pytest.param("admin", "/admin/", {}, id="admin-dashboard"),
    pytest.param("admin", "/admin/users/", {}, id="admin-people"),
    pytest.param("admin", "/admin/users/", MOBILE, id="admin-people-phone"),
    pytest.param("admin", "/admin/users/new", {}, id="admin-new-account"),
    pytest.param("admin", _first_person, {}, id="admin-account"),
    pytest.param("admin", "/admin/settings/", {}, id="admin-settings"),
    pytest.param("admin", "/admin/emails/", {}, id="admin-sent-emails"),
    pytest.param("admin", "/admin/audit", {}, id="admin-audit-log"),
    pytest.param("admin", "/admin/scans", {}, id="admin-scan-log"),
    pytest.param("admin", "/admin/scans", MOBILE, id="admin-scan-log-phone"),
    pytest.param("admin", "/admin/calendar", {}, id="admin-calendar"),
    pytest.param("admin", "/admin/sessions", {}, id="admin-sessions"),
    pytest.param("admin", _first_session, {}, id="admin-session"),
    pytest.param("admin", "/admin/timetable", {}, id="admin-timetable"),
    pytest.param("admin", "/admin/timetable/new", {}, id="admin-new-timetable-entry"),
    pytest.param("admin", "/admin/class-types", {}, id="admin-class-types"),
    pytest.param("admin", "/admin/class-types/new", {}, id="admin-new-class-type"),
    pytest.param("admin", "/admin/rooms", {}, id="admin-rooms"),
    pytest.param("admin", "/admin/trainers/", {}, id="admin-trainers"),
    pytest.param("admin", _first_trainer, {}, id="admin-trainer"),
    pytest.param("admin", _first_member_attendance, {}, id="admin-member-attendance"),
    pytest.param("admin", _first_member_attendance, MOBILE, id="admin-member-attendance-phone"),
    pytest.param("admin", _first_member, {}, id="admin-member-page"),
    pytest.param("admin", _first_member, MOBILE, id="admin-member-page-phone"),
    pytest.param("admin", "/admin/members/new", {}, id="admin-walk-in-sign-up"),
    pytest.param("member", "/app/", MOBILE, id="member-home-phone"),
    pytest.param("member", "/app/profile", MOBILE, id="member-profile-phone"),
    pytest.param("member", "/app/payments", MOBILE, id="member-payments-phone"),
    pytest.param("member", "/app/billing-details", MOBILE, id="member-billing-details-phone"),
    pytest.param("member", "/app/schedule", MOBILE, id="member-schedule-phone"),
    pytest.param("member", "/app/schedule?view=week", MOBILE, id="member-schedule-week-phone"),
    pytest.param(None, "/schedule", {}, id="public-schedule"),
    pytest.param("trainer", "/trainer/", {}, id="trainer-home"),
    pytest.param("trainer", "/trainer/", MOBILE, id="trainer-home-phone"),
    pytest.param("trainer", "/trainer/profile/", {}, id="trainer-profile"),
    pytest.param("trainer", "/trainer/programs/", MOBILE, id="trainer-programs-phone"),
    pytest.param("trainer", _first_program, MOBILE, id="trainer-program-phone"),
    pytest.param("member", "/app/program/", MOBILE, id="member-program-phone"),
    pytest.param("member", "/app/program/progress", MOBILE, id="member-progress-phone"),
    pytest.param("member", "/app/program/diet", MOBILE, id="member-diet-phone"),
    pytest.param("trainer", "/password/change", {}, id="trainer-change-password"),
    pytest.param("member", "/app/notifications", MOBILE, id="member-notifications-phone"),
    pytest.param("trainer", "/trainer/notifications", {}, id="trainer-notifications"),
    pytest.param("admin", "/admin/notifications", {}, id="admin-notifications"),
]


def run_axe(page: Page, selector: str | None = None) -> list[dict]:
    """Inject axe-core into `page`, run the WCAG 2.x A/AA rules, return the violations.

    The whole document is checked, or only the elements matching `selector`.
    """
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """([selector, tags]) => axe
            .run(selector || document, {runOnly: {type: 'tag', values: tags}})
            .then(results => results.violations)""",
        [selector, WCAG_TAGS],
    )


def describe(violations: list[dict]) -> str:
    """A readable list: rule id, impact, help, and each offending node's selector."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact') or 'n/a'}): {v['help']}")
        lines.append(f"  {v['helpUrl']}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    * {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def signed_in(browser, live_server) -> Callable[[str], dict]:
    """signed_in(role) -> the storage state of a browser that signed in as that role
    (or as the demo account whose email is given instead of a role)."""
    states: dict[str, dict] = {}

    def state(who: str) -> dict:
        if who not in states:
            context = browser.new_context(base_url=live_server)
            try:
                page = context.new_page()
                page.goto("/login")
                page.locator("#email").fill(LOGINS.get(who, who))
                page.locator("#password").fill(DEMO_PASSWORD)
                page.locator(SIGN_IN_BUTTON).click()
                expect(page).not_to_have_url(re.compile(r"/login(\?|$)"))
                states[who] = context.storage_state()
            finally:
                context.close()
        return states[who]

    return state


@pytest.mark.parametrize(("who", "target", "options"), PAGES)
def test_page_has_no_axe_violations(who, target, options, new_context, signed_in, screenshot):
    if who:
        options = {**options, "storage_state": signed_in(who)}
    page = new_context(**options).new_page()
    if callable(target):
        target(page)
    else:
        response = page.goto(target)
        assert response is not None
        expected = 404 if target == "/no-such-page" else 200
        assert response.status == expected, f"{target}: HTTP {response.status}"
    if who:
        assert "/login" not in page.url, f"{who} was sent to sign in"

    violations = run_axe(page)
    screenshot(page)
    if options.get("viewport") == PHONE:  # reflow (WCAG 1.4.10): no sideways scrolling
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone: {width}px"
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {page.url}:\n{describe(violations)}"
    )


def _focused(page: Page) -> str:
    """The focused element as tag#id (or tag[type] when it has no id); "body" when none."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return 'body';
            const tag = el.tagName.toLowerCase();
            return el.id ? tag + '#' + el.id : tag + '[' + (el.getAttribute('type') || '') + ']';
        }"""
    )


def test_login_keyboard_order_and_skip_link(page, screenshot):
    page.goto("/login")

    # The first Tab lands on the skip link, which then shows on screen.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 10, box
    violations = run_axe(page, "a.skip-link")  # its contrast while it shows
    assert not violations, describe(violations)
    expect(skip).to_be_focused()
    screenshot(page)

    # Enter follows it: focus moves to <main>, and the next Tab starts inside it.
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()

    # Then the form in reading order (the language switcher sits above it).
    order = []
    for _ in range(5):
        page.keyboard.press("Tab")
        order.append(_focused(page))
    form_order = [f for f in order if f != "select#language-select"]
    assert form_order[:4] == [
        "input#email",
        "input#password",
        "input#remember",
        "button[submit]",
    ], order
    expect(page.locator(SIGN_IN_BUTTON)).to_be_focused()


def test_every_field_of_the_new_account_form_has_a_label(new_context, signed_in):
    page = new_context(storage_state=signed_in("admin")).new_page()
    page.goto("/admin/users/new")

    fields = page.locator(FIELDS)
    assert fields.count() >= 5
    unlabeled = page.evaluate(
        """selector => [...document.querySelectorAll(selector)].filter(el => {
            if (!el.id) return true;
            const labels = document.querySelectorAll(`label[for="${CSS.escape(el.id)}"]`);
            return labels.length !== 1 || !labels[0].textContent.trim();
        }).map(el => el.name || el.outerHTML)""",
        FIELDS,
    )
    assert unlabeled == [], f"fields without exactly one non-empty label[for]: {unlabeled}"
    for name in ("name", "email", "phone", "role", "language"):
        field = page.locator(f"main form [name={name}]")
        field_id = field.get_attribute("id")
        assert field_id, name
        expect(page.locator(f"label[for='{field_id}']")).to_have_count(1)
        # The label's text is the field's accessible name.
        label_text = page.locator(f"label[for='{field_id}']").inner_text().strip()
        expect(field).to_have_accessible_name(re.compile(re.escape(label_text)))


def test_language_menu_waits_for_enter_when_used_from_the_keyboard(page):
    page.goto("/login")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "es")
    menu = page.locator("#language-select")
    menu.focus()
    page.keyboard.press("ArrowDown")  # browsing the options: no reload, still Spanish
    expect(menu).to_have_value("en")
    expect(html).to_have_attribute("lang", "es")
    page.keyboard.press("Enter")
    expect(html).to_have_attribute("lang", "en")


# ---- every page of the crawl, and every kind of flash message -----------------
# The URLs come from tests/crawl.py run through Flask's test client with the
# browser's cookies (no extra sign-ins); each page then opens in Chromium.

SERIOUS = ("serious", "critical")
FLASH_KINDS = ("success", "info", "warning", "danger")
#: where each layout shows its flash messages, per role
FLASH_PAGES = {
    "anonymous": "/login",
    "member": "/app/",
    "trainer": "/trainer/",
    "front_desk": "/admin/",
}


def _client(live_app, state: dict | None):
    """A test client of the live app carrying a browser's cookies."""
    client = live_app.test_client()
    for cookie in (state or {}).get("cookies", []):
        client.set_cookie(cookie["name"], cookie["value"])
    return client


def _serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in SERIOUS]


@pytest.mark.parametrize("who", ["anonymous", "member", "trainer", "front_desk", "admin"])
def test_every_crawled_page_has_no_serious_axe_violations(who, live_app, new_context, signed_in):
    from tests.crawl import crawl

    state = signed_in(who) if who != "anonymous" else None
    client = _client(live_app, state)
    client.set_cookie("cupo_lang", "es")
    urls = [url for url, _ in crawl(client, who, per_pattern_cap=1)]
    assert len(urls) >= 4, urls

    options = dict(MOBILE) if who == "member" else {}
    if state:
        options["storage_state"] = state
    page = new_context(**options).new_page()
    found = []
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, (
            f"{url}: {response and response.status}"
        )
        assert "/login" not in page.url or who == "anonymous", f"{who} was sent to sign in"
        violations = _serious(run_axe(page))
        if violations:
            found.append(f"{url}:\n{describe(violations)}")
    assert not found, f"axe found serious violations as {who}:\n" + "\n".join(found)


def _with_flashes(live_app, state: dict | None, base_url: str) -> dict:
    """`state` with one flash message of each kind waiting in its session cookie."""
    serializer = live_app.session_interface.get_signing_serializer(live_app)
    cookies = list((state or {}).get("cookies", []))
    name = live_app.config["SESSION_COOKIE_NAME"]
    current = next((c for c in cookies if c["name"] == name), None)
    data = serializer.loads(current["value"]) if current else {}
    data["_flashes"] = [(kind, f"A {kind} message for the {kind} check.") for kind in FLASH_KINDS]
    cookie = {"name": name, "value": serializer.dumps(data), "url": base_url}
    cookies = [c for c in cookies if c["name"] != name]
    return {"cookies": [*cookies, cookie], "origins": (state or {}).get("origins", [])}


@pytest.mark.parametrize("who", list(FLASH_PAGES))
def test_flash_messages_of_every_kind_meet_contrast(
    who, live_app, live_server, new_context, signed_in, screenshot
):
    state = signed_in(who) if who != "anonymous" else None
    options = dict(MOBILE) if who == "member" else {}
    options["storage_state"] = _with_flashes(live_app, state, live_server)
    page = new_context(**options).new_page()
    page.goto(FLASH_PAGES[who])

    for kind in FLASH_KINDS:
        expect(page.locator(f".alert-{kind}").filter(has_text=f"A {kind} message")).to_be_visible()
    screenshot(page)
    violations = run_axe(page, ".alert")
    assert not violations, describe(violations)


def test_the_past_due_alert_meets_contrast(live_app, new_context, signed_in, screenshot):
    from sqlalchemy import select

    from app.accounts.models import User
    from app.extensions import db
    from app.memberships.models import Membership, MembershipStatus

    with live_app.app_context():
        email = db.session.scalar(
            select(User.email)
            .join(Membership, Membership.member_id == User.id)
            .where(Membership.status == MembershipStatus.PAST_DUE)
        )
        db.session.remove()
    assert email, "the demo has no past-due member"
    page = new_context(**MOBILE, storage_state=signed_in(email)).new_page()
    page.goto("/app/membership")

    alert = page.locator("[data-testid=renew].alert-warning")
    expect(alert).to_be_visible()
    screenshot(page)
    violations = run_axe(page)
    assert not violations, describe(violations)
