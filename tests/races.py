"""Racing real connections: the `race` fixture shared by every race test.

Every race test runs on two databases. On PostgreSQL (TEST_DATABASE_URL, as
in CI) rows are locked FOR UPDATE under a `lock_timeout`; without one
configured that variant is skipped with the reason, and fails under CI=true.
On SQLite, a file of each test module's own that always runs, writers queue
at BEGIN IMMEDIATE.

Each thread pushes its own request context (`race.context()`), so it has its
own SQLAlchemy session and its own connection; the tests release them
together with a barrier. The clock is a module global, so every thread sees
it move. Registered for every test in tests/conftest.py.
"""

import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.extensions import db

#: the instant races start at (Tuesday 1 December 2026, 9:00 in Mexico City)
RACE_NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
#: one connection per racing thread, and then some
POOL = {"pool_size": 64, "max_overflow": 0, "pool_timeout": 60, "pool_pre_ping": True}


@dataclass
class Race:
    app: Flask
    backend: str  # "postgresql" or "sqlite"

    @contextmanager
    def context(self):
        """A request context of its own: own session, own connection, English messages."""
        with self.app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
            yield


@pytest.fixture(scope="module")
def race_apps(app, tmp_path_factory):
    """One app per database, with a pool wide enough for every thread at once."""
    apps = {}

    def get(backend: str) -> Flask:
        if backend not in apps:
            if backend == "postgresql":
                url = app.config["SQLALCHEMY_DATABASE_URI"]  # migrated by the `app` fixture
            else:
                url = f"sqlite:///{tmp_path_factory.mktemp('races') / 'races.db'}"
            race_app = create_app(
                "testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=POOL
            )
            if backend == "sqlite":
                with race_app.app_context():
                    upgrade(directory=race_app.extensions["migrate"].directory)
            apps[backend] = race_app
        return apps[backend]

    yield get
    for race_app in apps.values():
        with race_app.app_context():
            db.engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def race(request, app, race_apps, clock):
    """Real commits on the parametrised database, wiped after."""
    from tests.conftest import _wipe

    backend = request.param
    if backend == "postgresql" and not app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        "postgresql"
    ):
        reason = (
            "no PostgreSQL configured: set TEST_DATABASE_URL=postgresql+psycopg://... "
            "to race real row locks (the SQLite variant ran)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    clock(RACE_NOW)
    race = Race(race_apps(backend), backend)
    yield race
    with race.app.app_context():
        db.session.remove()
        _wipe()
