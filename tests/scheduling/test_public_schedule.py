"""The public timetable at /schedule: no sign-in, published classes only, no member data."""

from datetime import timedelta

import pytest

from app.scheduling.models import SessionStatus
from tests.accounts.support import page_text
from tests.queries import counting_statements
from tests.scheduling.member_support import NOW, add_many, add_session, listed_ids

TODAY_NOON = NOW + timedelta(hours=8)


@pytest.fixture
def visitor(client, clock):
    clock(NOW)
    return client


def test_public_schedule_shows_this_weeks_classes_without_signing_in(visitor, db, schedule):
    tuesday = add_session(
        db,
        schedule,
        TODAY_NOON - timedelta(days=1),
        class_type=schedule.class_type(name="Box Fit"),
        trainer=schedule.trainer(name="Ana Torres"),
        room=schedule.room(name="Ring"),
    )
    saturday = add_session(db, schedule, TODAY_NOON + timedelta(days=3))
    add_session(db, schedule, TODAY_NOON + timedelta(days=7))  # next week

    response = visitor.get("/schedule")

    assert response.status_code == 200
    assert listed_ids(response) == [tuesday.id, saturday.id]
    text = page_text(response)
    for shown in ("Cupo Gym", "Box Fit", "Ana Torres", "Ring", "12 spots left"):
        assert shown in text
    assert 'href="/login"' in text and "Sign in" in text
    assert 'href="/schedule.ics"' in text


def test_public_schedule_shows_next_week_and_single_days_when_asked(visitor, db, schedule):
    add_session(db, schedule, TODAY_NOON)
    next_week = add_session(db, schedule, TODAY_NOON + timedelta(days=7))

    assert listed_ids(visitor.get("/schedule?date=2026-04-01")) == [next_week.id]
    assert listed_ids(visitor.get("/schedule?view=day&date=2026-04-01")) == [next_week.id]
    assert listed_ids(visitor.get("/schedule?view=day&date=2026-03-31")) == []


def test_public_schedule_hides_drafts_cancelled_sessions_and_inactive_types(visitor, db, schedule):
    shown = add_session(db, schedule, TODAY_NOON)
    add_session(db, schedule, TODAY_NOON, status=SessionStatus.DRAFT)
    add_session(db, schedule, TODAY_NOON, status=SessionStatus.CANCELLED)
    add_session(db, schedule, TODAY_NOON, class_type=schedule.class_type(is_active=False))

    assert listed_ids(visitor.get("/schedule")) == [shown.id]


@pytest.mark.parametrize("signed_in", [False, True])
def test_public_schedule_shows_no_member_data(visitor, db, schedule, factories, login, signed_in):
    add_session(db, schedule, TODAY_NOON)
    members = [factories.member(name="Zoe Quintana", phone="+52 55 1234 5678") for _ in range(2)]
    if signed_in:
        login(members[0])

    text = page_text(visitor.get("/schedule"))

    for member in members:
        assert member.name not in text and member.email not in text
        assert member.phone not in text
    assert ('href="/login"' in text) is not signed_in


def test_bad_parameters_on_the_public_schedule_are_ignored(visitor, db, schedule):
    cs = add_session(db, schedule, TODAY_NOON)

    response = visitor.get("/schedule?date=2026-13-01&trainer=x&class_type=%00&view=year&free=on")

    assert response.status_code == 200
    assert listed_ids(response) == [cs.id]


def test_public_schedule_runs_the_same_number_of_queries_for_10_and_200_sessions(
    visitor, db, schedule
):
    monday = NOW.replace(hour=12) - timedelta(days=2)
    add_many(db, schedule, 10, monday)
    visitor.get("/schedule")  # warm caches (templates, gym settings)

    with counting_statements(db.engine) as few:
        assert len(listed_ids(visitor.get("/schedule"))) == 10
    add_many(db, schedule, 190, monday + timedelta(minutes=10), step=timedelta(minutes=40))
    with counting_statements(db.engine) as many:
        assert len(listed_ids(visitor.get("/schedule"))) == 200

    assert len(few) == len(many), (few, many)
