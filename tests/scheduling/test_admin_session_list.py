"""Back office: the session list, its filters, who may read it and its query count."""

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.core import signals
from app.extensions import db as _db
from app.scheduling.models import ClassSession, SessionStatus
from app.scheduling.queries import PER_PAGE
from tests.accounts.support import field_error, page_text
from tests.queries import counting_statements
from tests.scheduling import admin_support
from tests.scheduling.admin_support import NOW, add_session, local
from tests.tools import swap_receivers

#: fixtures shared by the back-office scheduling tests
admin = admin_support.admin
as_admin = admin_support.as_admin
as_desk = admin_support.as_desk
now = admin_support.now

THURSDAY = date(2026, 12, 3)


@pytest.fixture
def parties(schedule):
    trainer = schedule.trainer(name="Carla Méndez")
    room = schedule.room(name="Studio A", capacity=20)
    class_type = schedule.class_type(
        name="Spin", default_trainer_id=trainer.id, default_room_id=room.id, default_capacity=12
    )
    return {"class_type": class_type, "trainer": trainer, "room": room}


@pytest.fixture
def week(db, parties, schedule, now):
    """Sessions across rooms, trainers and statuses, yesterday to next week."""
    leo, hall = schedule.trainer(name="Leo Ruiz"), schedule.room(name="Hall", capacity=40)
    boxing = schedule.class_type(name="Boxing", default_capacity=10)
    ct, carla, studio = parties["class_type"], parties["trainer"], parties["room"]
    return {
        "past": add_session(db, ct, carla, studio, local(date(2026, 11, 30), time(18))),
        "spin": add_session(db, ct, carla, studio, local(THURSDAY, time(18))),
        "boxing": add_session(db, boxing, leo, hall, local(THURSDAY, time(7))),
        "draft": add_session(
            db, ct, leo, studio, local(date(2026, 12, 4), time(9)), status=SessionStatus.DRAFT
        ),
        "cancelled": add_session(
            db,
            ct,
            carla,
            hall,
            local(date(2026, 12, 9), time(9)),
            status=SessionStatus.CANCELLED,
            cancelled_at=NOW,
            cancel_reason="Closed",
        ),
    }


def listed(response) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-session-id="(\d+)">', page_text(response))]


def ids(week, *names) -> list[int]:
    return [week[name].id for name in names]


def test_list_shows_upcoming_sessions_in_start_order_by_default(as_admin, week):
    response = as_admin.get("/admin/sessions")

    assert listed(response) == ids(week, "boxing", "spin", "draft", "cancelled")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"date_from": "2026-11-30", "date_to": "2026-11-30"}, ["past"]),
        ({"date_from": "2026-12-03", "date_to": "2026-12-04"}, ["boxing", "spin", "draft"]),
        ({"status": "draft"}, ["draft"]),
        ({"status": "cancelled"}, ["cancelled"]),
        ({"status": "published"}, ["past", "boxing", "spin"]),
        ({"class_type": "boxing"}, ["boxing"]),
        ({"trainer": "leo"}, ["boxing", "draft"]),
        ({"room": "hall"}, ["boxing", "cancelled"]),
        (
            {"trainer": "abc", "date_from": "garbage"},
            ["past", "boxing", "spin", "draft", "cancelled"],
        ),
        ({"date_from": "9999-12-31"}, ["past", "boxing", "spin", "draft", "cancelled"]),
    ],
)
def test_list_shows_only_matching_sessions_when_filtered(as_admin, week, query, expected):
    rows = {
        "boxing": week["boxing"].class_type_id,
        "leo": week["boxing"].trainer_id,
        "hall": week["boxing"].room_id,
    }
    args = {key: str(rows.get(value, value)) for key, value in query.items()}

    response = as_admin.get("/admin/sessions", query_string=args)

    assert response.status_code == 200
    assert listed(response) == ids(week, *expected)


def test_list_shows_a_field_error_for_a_bad_date_filter(as_admin, week):
    response = as_admin.get("/admin/sessions?date_from=garbage")

    assert field_error(response, "date_from") == "Enter a date."


def test_list_answers_an_absurd_page_number_with_an_empty_page(as_admin, week):
    response = as_admin.get("/admin/sessions?page=99999999999999999999999")

    assert response.status_code == 200
    assert listed(response) == []


def test_front_desk_may_read_the_list(as_desk, week):
    response = as_desk.get("/admin/sessions")

    assert response.status_code == 200
    assert "/admin/sessions/new" not in page_text(response)


def _many_sessions(db, schedule, n: int) -> None:
    trainers = [schedule.trainer(name=f"Trainer {i}") for i in range(3)]
    rooms = [schedule.room() for _ in range(3)]
    types = [schedule.class_type() for _ in range(3)]
    first = local(THURSDAY, time(6))
    db.session.add_all(
        ClassSession(
            class_type=types[i % 3],
            trainer=trainers[i % 3],
            room=rooms[(i // 3) % 3],
            starts_at=first + timedelta(minutes=15 * i),
            ends_at=first + timedelta(minutes=15 * i + 45),
            occurs_on=THURSDAY,
            capacity=10,
        )
        for i in range(n)
    )
    db.session.commit()


def _statements_for(client, path) -> tuple[int, list[int]]:
    with counting_statements(_db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements), listed(response)


def _counting_spot_counter(session_ids):
    """Stands in for the booking domain's counter: one query for all sessions."""
    rows = _db.session.scalars(select(ClassSession.id).where(ClassSession.id.in_(session_ids)))
    return dict.fromkeys(rows, 1)


@pytest.mark.parametrize("path", ["/admin/sessions", "/admin/sessions?date_from=2026-12-01"])
def test_list_runs_the_same_number_of_queries_for_10_and_200_sessions(
    db, as_admin, schedule, monkeypatch, path
):
    swap_receivers(monkeypatch, signals.spots_taken, _counting_spot_counter)
    _many_sessions(db, schedule, 10)
    few, shown = _statements_for(as_admin, path)
    assert len(shown) == 10
    _many_sessions(db, schedule, 190)

    many, shown = _statements_for(as_admin, path)

    assert len(shown) == PER_PAGE
    assert few == many
