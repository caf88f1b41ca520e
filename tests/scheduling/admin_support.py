"""Helpers for the back-office scheduling page tests."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import local_to_utc
from app.core.i18n import gym_zone
from app.scheduling.models import ClassSession
from tests.accounts.support import page_text

#: a Tuesday: 9:00 in Mexico City, the gym's default zone
NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)


@pytest.fixture
def now(clock):
    return clock(NOW)


@pytest.fixture
def admin(factories):
    return factories.admin(name="Ada Admin")


@pytest.fixture
def as_admin(client, login, admin, now):
    """`client`, signed in as an admin, with the clock at NOW."""
    login(admin)
    return client


@pytest.fixture
def as_desk(client, login, factories, now):
    login(factories.front_desk(name="Dana Desk"))
    return client


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def form_error_text(response) -> str:
    """The form-level error box's text ('' when there is none)."""
    match = re.search(
        r'class="alert alert-danger" role="alert">(.*?)</div>\s*</div>', page_text(response), re.S
    )
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""


def local(day, at):
    """The UTC instant of a local wall-clock time at the gym."""
    return local_to_utc(day, at, gym_zone())


def add_session(db, class_type, trainer, room, starts_at, **fields) -> ClassSession:
    """A session row written directly (no service checks), for page tests."""
    fields.setdefault("capacity", 12)
    cs = ClassSession(
        class_type=class_type,
        trainer=trainer,
        room=room,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=60),
        occurs_on=starts_at.astimezone(gym_zone()).date(),
        **fields,
    )
    db.session.add(cs)
    db.session.commit()
    return cs
