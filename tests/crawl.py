"""Crawl the demo gym as each role would: every GET page reachable by links.

Shared by the HTML validity test (tests/test_valid_html.py, Flask's test
client) and the axe-core test (tests/e2e/test_accessibility.py, Chromium on
the URLs found here). The crawl is bounded: URLs are grouped by pattern (ids
replaced, query keys kept) and only a few of each pattern are opened.
"""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from app.demo import DEMO_PASSWORD

ROLES = ("anonymous", "member", "trainer", "front_desk", "admin")
LOGINS = {
    "member": "member1@cupo.demo",
    "trainer": "carla@cupo.demo",
    "front_desk": "recepcion@cupo.demo",
    "admin": "admin@cupo.demo",
}
HOMES = {
    "anonymous": "/",
    "member": "/app/",
    "trainer": "/trainer/",
    "front_desk": "/admin/",
    "admin": "/admin/",
}
#: list pages opened even when no link leads to them (role -> paths)
KNOWN = {
    "anonymous": ["/", "/schedule", "/login", "/password/forgot", "/join"],
    "member": [
        "/app/",
        "/app/schedule",
        "/app/schedule?view=week",
        "/app/bookings",
        "/app/history",
        "/app/credits",
        "/app/membership",
        "/app/shop",
        "/app/payments",
        "/app/profile",
        "/app/billing-details",
        "/app/messages/",
        "/app/messages/new",
        "/password/change",
    ],
    "trainer": [
        "/trainer/",
        "/trainer/profile/",
        "/trainer/messages/",
        "/trainer/messages/new",
        "/password/change",
    ],
    "front_desk": [
        "/admin/",
        "/admin/sessions",
        "/admin/scans",
        "/admin/billing/payments",
        "/admin/billing/renewals",
        "/admin/calendar",
        "/password/change",
    ],
    "admin": [
        "/admin/",
        "/admin/users/",
        "/admin/users/new",
        "/admin/users/?role=member",
        "/admin/sessions",
        "/admin/timetable",
        "/admin/timetable/new",
        "/admin/class-types",
        "/admin/class-types/new",
        "/admin/rooms",
        "/admin/plans",
        "/admin/trainers/",
        "/admin/settings/",
        "/admin/emails/",
        "/admin/audit",
        "/admin/scans",
        "/admin/calendar",
        "/admin/billing/payments",
        "/admin/billing/renewals",
        "/admin/billing/webhooks",
        "/admin/messages/reports",
    ],
}
#: never opened: not pages (files, feeds, health), or pages that act on GET
#: (opening the kiosk locks the browser into kiosk mode; the Nu test opens it last)
SKIP = re.compile(
    r"^/(static|files)/|/messages/files/|\.(pdf|png|ics|svg|ico|json|csv|xlsx|js|webmanifest)$"
    r"|^/(healthz|version|logo|logout|sw\.js|manifest)|/qr\.png$|/status$|^/desk/kiosk"
)
PER_PATTERN = 2
MAX_PAGES = 250


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    """Same-site paths (with their query) of every <a href> in `html`."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or (
            parts.netloc and parts.netloc not in ("localhost", "127.0.0.1")
        ):
            continue
        if not parts.path.startswith("/"):
            continue
        query = urlencode(sorted(parse_qsl(parts.query)))
        found.append(parts.path + (f"?{query}" if query else ""))
    return found


def pattern(url: str) -> str:
    """/admin/sessions/12/roster?page=2 -> /admin/sessions/<id>/roster?page"""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$|\.)", "/<id>", parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def sign_in(client, role: str) -> None:
    """Sign `client` in as the demo account of `role` (anonymous: nothing)."""
    if role == "anonymous":
        return
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert token, "no CSRF token on /login"
    response = client.post(
        "/login",
        data={"email": LOGINS[role], "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
    )
    assert response.status_code == 302, f"{role} could not sign in"


def crawl(
    client, role: str, extra: tuple[str, ...] = (), *, per_pattern_cap: int = PER_PATTERN
) -> Iterator[tuple[str, str]]:
    """(url, html) of every HTML page `client` (signed in as `role`) reaches.

    Starts at the role's home, its known list pages and `extra`; follows links
    breadth first; at most `per_pattern_cap` URLs per pattern and MAX_PAGES in all.
    A page that is not a 200 HTML answer is not followed (403s are expected
    where a link is shown to a role that cannot open it).
    """
    queue = [HOMES[role], *KNOWN[role], *extra]
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    opened = 0
    while queue and opened < MAX_PAGES:
        url = queue.pop(0)
        key = pattern(url)
        if (
            url in seen
            or SKIP.search(urlsplit(url).path)
            or per_pattern.get(key, 0) >= per_pattern_cap
        ):
            continue
        seen.add(url)
        per_pattern[key] = per_pattern.get(key, 0) + 1
        response = client.get(url)
        opened += 1
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        yield url, html
        queue.extend(link for link in links(html) if link not in seen)
