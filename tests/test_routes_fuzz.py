"""Every route, every role, hostile input: nothing a client sends gets a 5xx.

This is where routes are fuzzed: a new route joins the route × role tables
of tests/test_routes_permissions.py (its fixtures and tables are used here)
and is fuzzed with them, as is every form its pages show. For each role,
with one signed-in client:

- every `<int:…>` URL argument, in turn, is 2**31 and 2**63 (PostgreSQL's
  integer holds 2**31 - 1), and every other argument holds a NUL byte;
- every GET carries a huge `?page=`, every query-string argument the app
  reads set to a huge number or to "²" (a digit to `str.isdigit()`, not to
  `int()`), and NUL bytes, which PostgreSQL refuses in text;
- every form on every page is sent back (with a valid CSRF token) with each
  of its fields set to each hostile value, and so is every POST-only route,
  with the fields of the pages' forms.

The answer may be anything a client can act on (200, 302, 400, 403, 404,
405, 409, 422…), never a server error. On SQLite the integer overflows do
not fail; CI runs this on PostgreSQL (TEST_DATABASE_URL), where they do.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from app.extensions import limiter
from tests import test_routes_permissions as table
from tests.accounts.support import path_for
from tests.conftest import csrf_token
from tests.test_routes_permissions import GET_EXPECTED, ROLES, _hostile_form, _rules

#: the permissions test's fixtures: the same people, and ids naming real rows
people, ids = table.people, table.ids

HUGE_IDS = (2**31, 2**63)
HUGE_PAGE = "99999999999999999999"
NUL = "x\x00y"
#: what every query-string argument is set to, one round each
HOSTILE_VALUES = (str(2**31), str(2**63), NUL, "²")
#: what every field of a form is set to, one round each
HOSTILE_FIELDS = (*HOSTILE_VALUES, "-1")
#: these end or change the signed-in session: fuzzed last
SESSION_CHANGING = ("accounts.logout", "scanner.kiosk_start", "accounts.set_language")
APP = Path(__file__).resolve().parent.parent / "app"


@pytest.fixture(autouse=True)
def _no_rate_limits(app):
    """Limits would answer 429 before a hostile value reaches the code under
    test; their own tests live in tests/core/test_limits.py."""
    limiter.enabled = False
    yield
    limiter.enabled = True


def query_arguments() -> set[str]:
    """The names every view reads from the query string (found in the source)."""
    names = {"page"}
    for source in APP.rglob("*.py"):
        text = source.read_text()
        names.update(re.findall(r"request\.args\.get\(\s*[\"'](\w+)[\"']", text))
        names.update(re.findall(r"request\.args\[\s*[\"'](\w+)[\"']\]", text))
        names.update(re.findall(r"arg_id\(\s*[\"'](\w+)[\"']", text))
    return names


class _Forms(HTMLParser):
    """(method, action, field names) of each <form> on a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str | None, set[str]]] = []
        self._open: tuple[str, str | None, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = ((attrs.get("method") or "get").lower(), attrs.get("action"), set())
            self.forms.append(self._open)
        elif tag in ("input", "select", "textarea", "button") and self._open and attrs.get("name"):
            self._open[2].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def forms_on(response, path: str) -> list[tuple[str, str, set[str]]]:
    if "html" not in (response.content_type or ""):
        return []
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    found = []
    for method, action, fields in parser.forms:
        action = urlsplit(action or path).path or path
        found.append((method, action, fields - {"csrf_token"}))
    return found


def huge_id_paths(app, rule, known_ids) -> list[str]:
    """The rule's path with each of its int arguments, in turn, set too large."""
    names = [name for converter, name in _arguments(rule) if converter == "int"]
    paths = []
    for name in names:
        for huge in HUGE_IDS:
            # built by hand: url_for would (rightly) refuse the value
            path = path_for(
                app, rule, {**known_ids, name: 7_654_321}, default_id=known_ids["user_id"]
            )
            paths.append(path.replace("7654321", str(huge)))
    return paths


def _arguments(rule):
    return re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)


def _endpoint(app, path: str, method: str) -> str | None:
    try:
        return app.url_map.bind("localhost").match(path, method=method)[0]
    except HTTPException:  # no such route (404, 405) or a redirect
        return None


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_a_server_error_to_hostile_input(app, client, login, people, ids, role):
    if role != "anonymous":
        login(people[role])
    token = csrf_token(client, "/password/forgot")
    rules = [rule for rule in _rules(app) if rule.endpoint in GET_EXPECTED]
    hostile_query = [{name: value for name in query_arguments()} for value in HOSTILE_VALUES]
    failures: list[str] = []

    def send(method: str, path: str, **kwargs):
        response = client.open(path, method=method, **kwargs)
        if response.status_code >= 500:
            sent = kwargs.get("query_string") or kwargs.get("data") or ""
            failures.append(f"{method} {path} {str(sent)[:80]!r}: {response.status_code}")
        return response

    # GETs: ids too large, hostile query strings; collect the pages' forms
    posts: dict[str, set[str]] = {}
    gets: dict[str, set[str]] = {}
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        for path in huge_id_paths(app, rule, ids):
            send("GET", path)
        if any(converter != "int" for converter, _name in _arguments(rule)):
            send("GET", path_for(app, rule, ids, default_id=ids["user_id"], token=NUL))
        path = path_for(app, rule, ids, default_id=ids["user_id"])
        send("GET", f"{path}?page={HUGE_PAGE}&x=%00")
        for query in hostile_query:
            send("GET", path, query_string=query)
        for method, action, fields in forms_on(send("GET", path), path):
            (posts if method == "post" else gets).setdefault(action, set()).update(fields)

    # POST-only routes no page showed a form for: the usual form fields
    generic = set(_hostile_form()) | set(query_arguments())
    for rule in _rules(app):
        if "POST" in rule.methods:
            posts.setdefault(path_for(app, rule, ids, default_id=ids["user_id"]), generic)

    for action, fields in gets.items():
        for value in HOSTILE_FIELDS:
            send("GET", action, query_string=dict.fromkeys(fields, value))

    def session_changing(action):
        return _endpoint(app, action, "POST") in SESSION_CHANGING

    for action in sorted(posts, key=session_changing):
        fields = posts[action]
        endpoint = _endpoint(app, action, "POST")
        rule = next((r for r in _rules(app) if r.endpoint == endpoint), None)
        paths = [action] + (huge_id_paths(app, rule, ids) if rule else [])
        for value in HOSTILE_FIELDS:
            send("POST", action, data={**dict.fromkeys(fields, value), "csrf_token": token})
        for path in paths[1:]:
            send("POST", path, data={**dict.fromkeys(fields, "1"), "csrf_token": token})

    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(failures)
