"""Back office: recurring timetable entries through their form, and what a
change does to the sessions that already have people in them."""

import re
from datetime import date, time

import pytest
from sqlalchemy import select

from app.core import signals
from app.core.audit import AuditEntry
from app.scheduling.models import ClassSession, TimetableEntry
from tests.accounts.support import field_error, flashes, fresh, page_text
from tests.conftest import post_form
from tests.scheduling import admin_support
from tests.scheduling.admin_support import count, local
from tests.scheduling.conftest import MONDAY, WEDNESDAY
from tests.tools import swap_receivers

#: fixtures shared by the back-office scheduling tests
admin = admin_support.admin
as_admin = admin_support.as_admin
now = admin_support.now


NEW = "/admin/timetable/new"


@pytest.fixture
def parties(schedule):
    return {
        "class_type": schedule.class_type(name="Yoga Flow", default_capacity=12),
        "trainer": schedule.trainer(name="Carla Méndez"),
        "room": schedule.room(name="Studio A", capacity=20),
    }


def entry_form(parties, **overrides) -> dict:
    data = {
        "class_type_id": str(parties["class_type"].id),
        "weekdays": ["0", "2"],
        "start_time": "07:00",
        "trainer_id": str(parties["trainer"].id),
        "room_id": str(parties["room"].id),
        "capacity": "",
        "starts_on": "2026-12-01",
        "ends_on": "",
        "is_active": "y",
    }
    data.update(overrides)
    return data


def _sessions(db, entry_id=None):
    query = select(ClassSession).order_by(ClassSession.starts_at)
    if entry_id:
        query = query.where(ClassSession.timetable_entry_id == entry_id)
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def test_create_entry_saves_the_pattern_and_schedules_eight_weeks(as_admin, db, parties):
    response = post_form(as_admin, NEW, entry_form(parties))

    entry = db.session.scalar(select(TimetableEntry))
    assert response.status_code == 302
    assert response.location == f"/admin/timetable/{entry.id}"
    assert (entry.weekdays, entry.start_time, entry.starts_on, entry.ends_on) == (
        MONDAY | WEDNESDAY,
        time(7, 0),
        date(2026, 12, 1),
        None,
    )
    assert (entry.capacity, entry.is_active) == (None, True)
    sessions = _sessions(db, entry.id)
    assert len(sessions) == 16
    assert sessions[0].starts_at == local(date(2026, 12, 2), time(7, 0))
    assert flashes(as_admin.get(response.location)) == [
        "Timetable saved. Sessions added: 16, moved or changed: 0, removed: 0."
    ]


def test_create_entry_takes_seconds_in_the_start_time(as_admin, db, parties):
    post_form(as_admin, NEW, entry_form(parties, start_time="18:30:00", weekdays=["4"]))

    entry = db.session.scalar(select(TimetableEntry))
    assert (entry.start_time, entry.weekdays) == (time(18, 30), 1 << 4)


def test_edit_entry_moves_free_sessions_and_lists_the_ones_with_people(
    as_admin, db, parties, schedule, monkeypatch
):
    change = schedule.entry(
        class_type=parties["class_type"].id,
        trainer=parties["trainer"].id,
        room=parties["room"].id,
        starts_on=date(2026, 12, 1),
        actor=schedule.admin(),
    )
    entry_id = change.entry.id
    booked = _sessions(db, entry_id)[2]
    booked_start = booked.starts_at
    swap_receivers(monkeypatch, signals.spots_taken, lambda ids: {booked.id: 3})

    response = post_form(
        as_admin, f"/admin/timetable/{entry_id}", entry_form(parties, start_time="08:15")
    )

    assert response.status_code == 302
    assert response.location == f"/admin/timetable/{entry_id}?kept={booked.id}"
    assert fresh(db, ClassSession, booked.id).starts_at == booked_start  # untouched
    moved = [s for s in _sessions(db, entry_id) if s.id != booked.id]
    assert len(moved) == 15
    assert {s.starts_at.hour for s in moved} == {14}  # 8:15 in Mexico City
    page = as_admin.get(response.location)
    assert flashes(page) == [
        "Timetable saved. Sessions added: 0, moved or changed: 15, removed: 0."
    ]
    text = page_text(page)
    kept_card = text[text.index('id="kept-sessions"') :]
    assert f'href="/admin/sessions/{booked.id}"' in kept_card
    assert "3 of 12" in kept_card


def test_edit_entry_that_started_in_the_past_keeps_its_first_date(as_admin, db, parties, schedule):
    change = schedule.entry(
        class_type=parties["class_type"].id,
        trainer=parties["trainer"].id,
        room=parties["room"].id,
        starts_on=date(2026, 11, 2),
    )
    page = f"/admin/timetable/{change.entry.id}"

    saved = post_form(as_admin, page, entry_form(parties, starts_on="2026-11-02", capacity="10"))
    moved = post_form(as_admin, page, entry_form(parties, starts_on="2026-11-09"))

    assert saved.status_code == 302  # the stored past date is not a typo
    assert field_error(moved, "starts_on") == "Choose today or a later date."
    assert fresh(db, TimetableEntry, change.entry.id).starts_on == date(2026, 11, 2)


def test_entry_page_lists_only_its_own_sessions_named_in_kept(as_admin, db, parties, schedule):
    mine = schedule.entry(
        class_type=parties["class_type"].id,
        trainer=parties["trainer"].id,
        room=parties["room"].id,
        starts_on=date(2026, 12, 1),
    )
    other = schedule.entry(starts_on=date(2026, 12, 1), start_time=time(12, 0))
    theirs = _sessions(db, other.entry.id)[0]

    text = page_text(as_admin.get(f"/admin/timetable/{mine.entry.id}?kept={theirs.id},x,99"))

    assert 'id="kept-sessions"' not in text


def test_stopping_an_entry_removes_its_empty_future_sessions(as_admin, db, parties, schedule):
    change = schedule.entry(
        class_type=parties["class_type"].id,
        trainer=parties["trainer"].id,
        room=parties["room"].id,
        starts_on=date(2026, 12, 1),
    )

    post_form(as_admin, f"/admin/timetable/{change.entry.id}", entry_form(parties, is_active=""))

    assert _sessions(db, change.entry.id) == []
    assert fresh(db, TimetableEntry, change.entry.id).is_active is False


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "Choose at least one weekday."),
        ({"weekdays": ["9"]}, "weekdays", "Choose weekdays from the list."),
        ({"weekdays": ["monday"]}, "weekdays", "Choose weekdays from the list."),
        ({"start_time": ""}, "start_time", "Enter the start time."),
        ({"start_time": "25:00"}, "start_time", "Enter a time such as 07:30."),
        ({"starts_on": ""}, "starts_on", "Enter the first date."),
        ({"starts_on": "01/12/2026"}, "starts_on", "Enter a date."),
        ({"starts_on": "1999-12-01"}, "starts_on", "Enter a date between the years 2000 and 2099."),
        ({"ends_on": "9999-12-31"}, "ends_on", "Enter a date between the years 2000 and 2099."),
        (
            {"starts_on": "2026-12-10", "ends_on": "2026-12-09"},
            "ends_on",
            "The last date must not be before the first.",
        ),
        ({"starts_on": "2026-11-30"}, "starts_on", "Choose today or a later date."),
        ({"ends_on": "2026-11-30"}, "ends_on", "Choose today or a later date."),
        ({"starts_on": "2099-12-01"}, "starts_on", "Choose a date on or before Jan 26, 2028."),
        ({"ends_on": "2029-01-01"}, "ends_on", "Choose a date on or before Jan 26, 2028."),
        ({"starts_on": "1 Dec"}, "starts_on", "Enter a date."),
        ({"capacity": "0"}, "capacity", "Capacity must be at least 1."),
        ({"capacity": "21"}, "capacity", "Studio A holds at most 20 people."),
        ({"capacity": "lots"}, "capacity", "Enter a whole number."),
        ({"trainer_id": "424242"}, "trainer_id", "Choose an active trainer."),
        ({"trainer_id": ""}, "trainer_id", "Choose an active trainer."),
        ({"room_id": "abc"}, "room_id", "Choose an active room."),
        ({"room_id": "424242"}, "room_id", "Choose an active room."),
        ({"class_type_id": "424242"}, "class_type_id", "Choose an active class type."),
    ],
)
def test_create_entry_shows_field_error_and_writes_nothing_when_input_is_bad(
    as_admin, db, parties, overrides, field, message
):
    response = post_form(as_admin, NEW, entry_form(parties, **overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert count(db, TimetableEntry) == 0
    assert count(db, ClassSession) == 0
    assert count(db, AuditEntry) == 0


def test_create_entry_refuses_a_trainer_who_already_teaches_then(as_admin, db, parties, schedule):
    schedule.entry(trainer=parties["trainer"].id, starts_on=date(2026, 12, 1))
    before = count(db, ClassSession)

    response = post_form(as_admin, NEW, entry_form(parties))

    assert response.status_code == 200
    assert re.fullmatch(
        r"Carla Méndez already teaches Yoga \d+ on Wed 2 Dec, 7:00\s?AM–8:00\s?AM\.",
        field_error(response, "trainer_id"),
    )
    assert count(db, TimetableEntry) == 1
    assert count(db, ClassSession) == before


def test_edit_entry_offers_its_inactive_room_but_the_service_refuses_it(
    as_admin, db, parties, schedule
):
    change = schedule.entry(
        class_type=parties["class_type"].id,
        trainer=parties["trainer"].id,
        room=parties["room"].id,
        starts_on=date(2026, 12, 1),
    )
    parties["room"].is_active = False
    db.session.commit()
    page = f"/admin/timetable/{change.entry.id}"

    assert f'<option selected value="{parties["room"].id}">Studio A</option>' in page_text(
        as_admin.get(page)
    )
    response = post_form(as_admin, page, entry_form(parties, start_time="09:00"))

    assert field_error(response, "room_id") == "Choose an active room."
    assert fresh(db, TimetableEntry, change.entry.id).start_time == time(7, 0)


def test_new_entry_form_offers_the_days_as_checkboxes(as_admin, parties):
    text = page_text(as_admin.get(NEW))

    assert text.count('type="checkbox"') == 8  # seven days and "Running"
    assert "Monday" in text and "Sunday" in text


def test_timetable_list_shows_days_time_trainer_and_room(as_admin, parties, schedule):
    schedule.entry(
        class_type=parties["class_type"].id,
        trainer=parties["trainer"].id,
        room=parties["room"].id,
        starts_on=date(2026, 12, 1),
    )

    text = page_text(as_admin.get("/admin/timetable"))

    assert "Yoga Flow" in text and "Mon, Wed" in text and "Carla Méndez" in text
    assert "Studio A" in text and "1 recurring class" in text


def test_entry_page_answers_404_for_an_unknown_entry(as_admin):
    assert as_admin.get("/admin/timetable/424242").status_code == 404
