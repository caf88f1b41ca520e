"""Every page is valid HTML by the W3C Nu checker, for every role, in both languages.

The demo gym is loaded into its own SQLite file (CSRF on, as in production,
so forms carry their hidden token); each role signs in and crawls every page
its links reach (tests/crawl.py), in English and Spanish. All pages go to ONE
run of vnu.jar (Java starts slowly), and any error fails the test, listed as
page URL, line and message. bin/test fetches the checker; see tests/tools.py.
"""

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.demo import seed_demo
from app.extensions import db as _db
from tests.crawl import ROLES, crawl, sign_in
from tests.tools import require_vnu

LANGUAGES = ("en", "es")
#: the desk's kiosk page (left out of the crawl, see tests/crawl.py)
KIOSK = "/desk/kiosk"


@pytest.fixture(scope="module")
def vnu() -> tuple[str, str]:
    """(java, vnu.jar), or the test is skipped (or failed under CI) first thing."""
    return require_vnu()


@pytest.fixture(scope="module")
def demo_app(vnu, tmp_path_factory) -> Iterator[Flask]:
    """An app of its own on a SQLite file holding the demo gym."""
    path = tmp_path_factory.mktemp("valid-html") / "demo.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        assert seed_demo(), "the demo database was not empty"
        _db.session.remove()
    try:
        yield app
    finally:
        with app.app_context():
            _db.engine.dispose()


def _emailed_links(app: Flask) -> tuple[str, ...]:
    """Pages only emails link to, opened signed out: a booking's "Can't make
    it?" page and an unsubscribe page (a good link and an altered one)."""
    from sqlalchemy import select

    from app.booking.links import cancel_token
    from app.booking.models import Booking, BookingStatus
    from app.notifications.channels import unsubscribe_token

    with app.app_context():
        booking = _db.session.scalar(
            select(Booking).where(Booking.status == BookingStatus.CONFIRMED).limit(1)
        )
        token = unsubscribe_token(booking.member_id, "booking_confirmed")
        links = (
            f"/bookings/cancel/{cancel_token(booking.id)}",
            f"/notifications/unsubscribe/{token}",
        )
        _db.session.remove()
    return links


def crawl_all(app: Flask) -> dict[str, str]:
    """{"role lang url": html} for every role and language."""
    pages = {}
    for role in ROLES:
        client = app.test_client()
        sign_in(client, role)
        for lang in LANGUAGES:
            client.set_cookie("cupo_lang", lang)
            for url, html in crawl(
                client, role, _emailed_links(app) if role == "anonymous" else ()
            ):
                pages[f"{role} {lang} {url}"] = html
    # last, as opening it locks the desk's browser into kiosk mode
    for lang in LANGUAGES:
        client.set_cookie("cupo_lang", lang)
        response = client.get(KIOSK)
        assert response.status_code == 200, f"{KIOSK}: {response.status_code}"
        pages[f"{role} {lang} {KIOSK}"] = start = response.get_data(as_text=True)
        # the rooms' door-code displays its start page lists
        for url in re.findall(r'href="(/desk/rooms/\d+/door)"', start)[:1]:
            pages[f"{role} {lang} {url}"] = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', start)[1]
    client.post(f"{KIOSK}/start", data={"csrf_token": token})
    for lang in LANGUAGES:  # the kiosk itself: the scanner and the door code
        client.set_cookie("cupo_lang", lang)
        html = client.get(KIOSK).get_data(as_text=True)
        assert "door-panel" in html, "kiosk mode did not start"
        pages[f"{role} {lang} {KIOSK} (kiosk mode)"] = html
    return pages


def nu_errors(java: str, jar: str, pages: dict[str, str], folder: Path) -> list[str]:
    """Run the Nu checker once over `pages`; "<page> line N: message" per error."""
    names = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"page{number}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    result = subprocess.run(
        [
            java,
            "-jar",
            jar,
            "--format",
            "json",
            "--errors-only",
            *map(str, sorted(folder.glob("page*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(result.stderr or result.stdout)  # vnu writes its report to stderr
    errors = []
    for message in report["messages"]:
        name = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
        errors.append(f"{name} line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def test_every_crawled_page_is_valid_html(vnu, demo_app, tmp_path):
    java, jar = vnu
    pages = crawl_all(demo_app)
    for role in ROLES:  # the crawl reached past each role's home
        assert sum(name.startswith(f"{role} ") for name in pages) >= 4, role

    errors = nu_errors(java, jar, pages, tmp_path)
    assert not errors, f"{len(errors)} HTML error(s) in {len(pages)} pages:\n" + "\n".join(errors)


def test_the_checker_reports_an_invalid_page(vnu, tmp_path):
    """The checker and its report reading work: a broken page is caught."""
    java, jar = vnu
    broken = "<!doctype html><html lang=en><title>x</title><span><form></form></span>"
    errors = nu_errors(java, jar, {"broken": broken}, tmp_path)
    assert errors and errors[0].startswith("broken line 1: "), errors
