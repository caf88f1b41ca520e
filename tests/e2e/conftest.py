"""Browser tests: a live Cupo with the demo gym, driven by the system Chromium.

The live server is its own app on its own SQLite file (with real commits and
CSRF on), so nothing here touches the rolled-back `db` session of the unit
tests: e2e tests must not use the `db`, `client` or `factories` fixtures.

Skips: CUPO_SKIP_BROWSER (set by bin/test when Chromium could not be
installed) skips with its value as the reason, and a missing /usr/bin/chromium
skips as "chromium not installed"; under CI=true both are failures instead.
"""

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.demo import seed_demo
from app.extensions import db as _db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[Flask]:
    """The live server's app, seeded with the demo gym; tests may add rows
    to its database inside `with live_app.app_context():` (real commits)."""
    path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        assert seed_demo(), "the e2e database was not empty"
        _db.session.remove()
    try:
        yield app
    finally:
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """Base URL of a threaded server running a seeded demo gym."""
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def playwright():
    """Playwright's driver, once per run: the sync API allows one per thread, so
    a test that needs a differently launched Chromium (a fake camera) starts it
    from here (after `browser`, which checks Chromium is there)."""
    reason = os.environ.get("CUPO_SKIP_BROWSER")
    under_ci = os.environ.get("CI") == "true"
    if reason:
        if under_ci:
            pytest.fail(
                f"CUPO_SKIP_BROWSER is set ({reason}), but under CI=true "
                "the browser tests may not be skipped.",
                pytrace=False,
            )
        pytest.skip(reason)
    if not os.access(CHROMIUM, os.X_OK):
        if under_ci:
            pytest.fail(
                f"{CHROMIUM} is not installed (Debian package chromium); "
                "CI runs the browser tests, so it must be there.",
                pytrace=False,
            )
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    """The system Chromium under Playwright (skipped or failed when absent)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_e2e_report_{report.when}", report)
    return report


def _artifact_path(request) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / (re.sub(r"[^\w.-]+", "_", request.node.name) + ".png")


@pytest.fixture
def screenshot(request) -> Callable:
    """screenshot(page): save test-artifacts/e2e/<test-name>.png."""

    def save(page) -> Path:
        path = _artifact_path(request)
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def new_context(browser, live_server, request) -> Iterator[Callable]:
    """new_context(**options): a fresh browser context on the live server.

    Contexts are closed after the test; when the test failed, the last page
    opened is saved as its screenshot artifact.
    """
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "es-MX")
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make

    report = getattr(request.node, "_e2e_report_call", None)
    failed = report is not None and report.failed
    pages = [page for context in contexts for page in context.pages]
    if failed and pages:
        with suppress(Exception):  # a lost screenshot must not hide the failure
            pages[-1].screenshot(path=str(_artifact_path(request)), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh desktop context."""
    return new_context().new_page()
