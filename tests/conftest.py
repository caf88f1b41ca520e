"""Fixtures: one database per run, a rolled-back transaction per test.

TEST_DATABASE_URL picks PostgreSQL (CI); without it a SQLite file in a
temporary folder is used. The schema comes from the Alembic migrations, so
the tests also prove the migrations build what the models describe.
"""

import os
import re

import fakeredis
import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.config import new_vapid_private_key
from app.extensions import db as _db
from app.extensions import limiter, mail
from tests.factories import Factories
from tests.races import race, race_apps  # noqa: F401  (shared by the race tests)
from tests.smtp import smtp  # noqa: F401  (a real SMTP server)

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    overrides = {}
    if not os.environ.get("TEST_DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        )
    app = create_app("testing", **overrides)
    with app.app_context():
        _reset_schema()
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def _reset_schema() -> None:
    if _db.engine.dialect.name == "postgresql":
        with _db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def db(app):
    """A session whose every commit lands in a savepoint, rolled back after."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        # a plain Session: Flask-SQLAlchemy's own get_bind() would ignore `bind`
        _db.session = scoped_session(
            sessionmaker(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def committed(app):
    """Real commits on separate connections (race and outage tests); wiped after."""
    with app.app_context():
        yield Factories(_db)
        _db.session.remove()
        _wipe()


def _wipe() -> None:
    from app.core.audit import GENESIS, AuditChain

    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(AuditChain.__table__.insert().values(id=1, head_hash=GENESIS))


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield


@pytest.fixture
def uploads_dir(app, tmp_path, monkeypatch):
    """UPLOAD_FOLDER for this test only; starts empty. Modules that store
    files use it for every test: `pytestmark = pytest.mark.usefixtures("uploads_dir")`."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def factories(db):
    return Factories(db)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, so `g` never leaks between them."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db):
    """A browser that asked for English; language tests delete the cookie."""
    app.test_client_class = FreshContextClient
    client = app.test_client()
    client.set_cookie("cupo_lang", "en")
    return client


@pytest.fixture
def production_app(app, db, monkeypatch):
    """production_app(**overrides): create_app("production") on the tests' database
    (requests share the test's rolled-back transaction). Its test client speaks
    HTTPS (PREFERRED_URL_SCHEME); POSTs need a same-site Referer (CSRF over HTTPS).

    Production refuses in-memory limiter storage, so it is given a Redis URL
    (never contacted: RATELIMIT_ENABLED is off, and the shared limiter object
    keeps the test app's storage). Tests of limits use the `app` fixture.
    """
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("AUDIT_KEY", "a" * 40)
    monkeypatch.setenv("VAPID_PRIVATE_KEY", new_vapid_private_key())

    def make(**overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
        overrides.setdefault("JOBS_INLINE", True)  # as the tests' app, even with REDIS_URL set
        overrides.setdefault("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
        overrides.setdefault("RATELIMIT_ENABLED", False)
        production = create_app("production", **overrides)
        production.test_client_class = FreshContextClient
        return production

    yield make
    limiter.init_app(app)  # one limiter object for every app: switch it back on for `app`


@pytest.fixture
def outbox(app):
    """Emails handed to the mail transport during the test."""
    with mail.record_messages() as messages:
        yield messages


@pytest.fixture
def fake_redis(app):
    """RQ on fakeredis, or on the real Redis when REDIS_URL is set (CI)."""
    url = os.environ.get("REDIS_URL")
    if url:
        from redis import Redis

        connection = Redis.from_url(url)
        connection.flushdb()
    else:
        connection = fakeredis.FakeRedis()
    app.extensions["cupo_redis"] = connection
    app.config["JOBS_INLINE"] = False
    yield connection
    app.config["JOBS_INLINE"] = True
    app.extensions.pop("cupo_redis", None)
    connection.flushdb()


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict | None = None, *, token_from: str | None = None, **kw):
    """POST a form the way a browser does: with the page's CSRF token."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from or path))
    return client.post(path, data=data, **kw)


@pytest.fixture
def login(client):
    def sign_in(user, password: str = PASSWORD):
        client.delete_cookie("session")  # whoever was signed in is gone
        client.delete_cookie("remember_token")
        response = post_form(client, "/login", {"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return response

    return sign_in


@pytest.fixture
def clock(monkeypatch):
    """clock(datetime) stands the app at that instant for the rest of the test."""
    from app.core import models

    def set_now(instant):
        monkeypatch.setattr(models, "frozen_now", instant)
        return instant

    return set_now


@pytest.fixture
def schedule(db, factories):
    """Builders for rooms, class types, trainers and timetable entries."""
    from tests.scheduling.conftest import Schedule

    return Schedule(db, factories)


@pytest.fixture
def app_ctx(app):
    """A request context, as services format messages for the user (in English)."""
    with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
        yield
