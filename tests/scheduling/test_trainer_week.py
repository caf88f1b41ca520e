"""The trainer's home: my sessions this week (gym time), and my calendar feed."""

from datetime import timedelta

import pytest

from app.scheduling.models import SessionStatus
from tests.accounts.support import page_text
from tests.scheduling.member_support import NOW, add_session, listed_ids

# NOW is Wednesday 25 March 2026, 4:00 in Mexico City (UTC-6): this week runs from
# Monday 23 March 0:00 local (6:00 UTC) to Monday 30 March 0:00 local (6:00 UTC).
MONDAY_START = NOW.replace(hour=6) - timedelta(days=2)
NEXT_MONDAY_START = MONDAY_START + timedelta(days=7)


@pytest.fixture
def trainer(schedule):
    return schedule.trainer(name="Ana Torres")


@pytest.fixture
def as_trainer(client, login, clock, trainer):
    clock(NOW)
    login(trainer.user)
    return client


def test_trainer_home_lists_my_sessions_of_this_local_week_only(as_trainer, db, schedule, trainer):
    first = add_session(db, schedule, MONDAY_START + timedelta(minutes=30), trainer=trainer)
    last = add_session(db, schedule, NEXT_MONDAY_START - timedelta(minutes=30), trainer=trainer)
    add_session(db, schedule, MONDAY_START - timedelta(minutes=30), trainer=trainer)  # Sunday
    add_session(db, schedule, NEXT_MONDAY_START + timedelta(minutes=30), trainer=trainer)
    add_session(db, schedule, NOW + timedelta(hours=8), trainer=schedule.trainer(name="Luis Gil"))

    response = as_trainer.get("/trainer/")

    assert response.status_code == 200
    assert listed_ids(response) == [first.id, last.id]
    text = page_text(response)
    assert "My sessions this week" in text and "Luis Gil" not in text
    assert "March 23, 2026 to March 29, 2026" in text


def test_trainer_home_shows_cancelled_sessions_as_cancelled_and_leaves_out_drafts(
    as_trainer, db, schedule, trainer
):
    cancelled = add_session(
        db, schedule, NOW + timedelta(hours=8), trainer=trainer, status=SessionStatus.CANCELLED
    )
    add_session(
        db, schedule, NOW + timedelta(hours=10), trainer=trainer, status=SessionStatus.DRAFT
    )

    response = as_trainer.get("/trainer/")

    assert listed_ids(response) == [cancelled.id]
    assert "Cancelled" in page_text(response)


def test_trainer_home_shows_spots_taken(as_trainer, db, schedule, trainer, monkeypatch):
    from app.core import signals
    from tests.tools import swap_receivers

    cs = add_session(db, schedule, NOW + timedelta(hours=8), trainer=trainer, capacity=10)
    swap_receivers(monkeypatch, signals.spots_taken, lambda ids: {cs.id: 4})

    assert "4 of 10 booked" in page_text(as_trainer.get("/trainer/"))


def test_trainer_home_moves_a_week_at_a_time(as_trainer, db, schedule, trainer):
    add_session(db, schedule, NOW + timedelta(hours=8), trainer=trainer)
    next_week = add_session(db, schedule, NOW + timedelta(days=7, hours=8), trainer=trainer)

    this_week = page_text(as_trainer.get("/trainer/"))
    response = as_trainer.get("/trainer/?week=2026-03-30")

    assert 'href="/trainer/?week=2026-03-30" rel="next"' in this_week
    assert 'href="/trainer/?week=2026-03-16" rel="prev"' in this_week
    assert listed_ids(response) == [next_week.id]
    assert "My sessions, week of March 30, 2026" in page_text(response)
    assert listed_ids(as_trainer.get("/trainer/?week=2026-04-03")) == [next_week.id]


@pytest.mark.parametrize("week", ["2026-02-30", "soon", "99999-01-01", "9999-12-31", ""])
def test_unreadable_week_shows_this_week(as_trainer, db, schedule, trainer, week):
    cs = add_session(db, schedule, NOW + timedelta(hours=8), trainer=trainer)

    response = as_trainer.get(f"/trainer/?week={week}")

    assert response.status_code == 200
    assert listed_ids(response) == [cs.id]


def test_trainer_home_shows_my_calendar_feed_address(as_trainer, trainer):
    text = page_text(as_trainer.get("/trainer/"))

    assert f"/trainer/{trainer.calendar_token}/sessions.ics" in text
    assert "webcal://" in text


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_someone_without_a_trainer_profile_sees_an_empty_state(
    client, login, factories, clock, db, schedule, role
):
    clock(NOW)
    add_session(db, schedule, NOW + timedelta(hours=8))
    login(getattr(factories, role)())

    response = client.get("/trainer/")

    assert response.status_code == 200
    assert listed_ids(response) == []
    assert "You have no trainer profile" in page_text(response)
    assert ".ics" not in page_text(response)
