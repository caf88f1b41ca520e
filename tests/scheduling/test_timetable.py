"""Recurring entries generate their sessions: idempotent, DST-correct, bounded."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.core import signals
from app.core.audit import AuditEntry
from app.scheduling.models import ClassSession, SessionStatus, TimetableEntry
from app.scheduling.rules import SchedulingError
from app.scheduling.services.timetable import fill_horizon, save_timetable_entry
from tests.scheduling.conftest import MONDAY, TUESDAY, WEDNESDAY
from tests.tools import swap_receivers

MADRID = ZoneInfo("Europe/Madrid")


def _sessions(db, entry_id=None):
    query = select(ClassSession).order_by(ClassSession.starts_at)
    if entry_id:
        query = query.where(ClassSession.timetable_entry_id == entry_id)
    return list(db.session.scalars(query))


def _local(cs, zone):
    return cs.starts_at.astimezone(zone)


def test_entry_generates_sessions_for_the_next_eight_weeks(db, schedule, clock, app_ctx):
    clock(datetime(2026, 11, 30, 14, tzinfo=UTC))  # a Monday, 8:00 in Mexico City
    change = schedule.entry(starts_on=date(2026, 11, 30))
    sessions = _sessions(db)
    # Monday the 30th at 7:00 has passed; Wednesdays and Mondays follow for 8 weeks
    assert change.created == len(sessions) == 16
    assert sessions[0].occurs_on == date(2026, 12, 2)
    assert sessions[-1].occurs_on == date(2027, 1, 25)
    assert {s.occurs_on.weekday() for s in sessions} == {0, 2}
    assert all(s.status is SessionStatus.PUBLISHED for s in sessions)
    assert all(s.ends_at - s.starts_at == timedelta(minutes=60) for s in sessions)


def test_generation_twice_adds_nothing(db, schedule, clock, app_ctx):
    clock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    schedule.entry(starts_on=date(2026, 11, 30))
    before = len(_sessions(db))
    assert fill_horizon() == 0
    assert fill_horizon() == 0
    assert len(_sessions(db)) == before


def test_wall_clock_time_holds_across_a_daylight_saving_change(db, schedule, clock, app_ctx):
    schedule.zone("Europe/Madrid")
    clock(datetime(2027, 3, 15, 12, tzinfo=UTC))
    schedule.entry(
        weekdays=MONDAY | WEDNESDAY,
        start_time=time(7, 0),
        starts_on=date(2027, 3, 15),
        ends_on=date(2027, 4, 5),
    )
    sessions = _sessions(db)
    assert [s.occurs_on.day for s in sessions] == [17, 22, 24, 29, 31, 5]
    assert {(_local(s, MADRID).hour, _local(s, MADRID).minute) for s in sessions} == {(7, 0)}
    utc_hours = [s.starts_at.astimezone(UTC).hour for s in sessions]
    assert utc_hours == [6, 6, 6, 5, 5, 5]  # CET before 28 March, CEST after


def test_default_zone_mexico_city_has_no_shift(db, schedule, clock, app_ctx):
    clock(datetime(2027, 3, 15, 12, tzinfo=UTC))
    schedule.entry(starts_on=date(2027, 3, 15), ends_on=date(2027, 4, 5))
    assert {s.starts_at.astimezone(UTC).hour for s in _sessions(db)} == {13}


def test_horizon_job_adds_the_days_that_came_into_range(db, schedule, clock, app_ctx):
    clock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    change = schedule.entry(starts_on=date(2026, 11, 30))
    clock(datetime(2026, 12, 14, 12, tzinfo=UTC))  # two weeks later
    assert fill_horizon() == 4
    assert _sessions(db)[-1].occurs_on == date(2027, 2, 8)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "timetable.extended")
    ).all()
    assert [e.entity_id for e in entries] == [str(change.entry.id)]


def test_horizon_job_skips_a_day_that_would_overlap(db, schedule, clock, app_ctx):
    from app.scheduling.services.sessions import create_session

    clock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    trainer = schedule.trainer()
    change = schedule.entry(trainer=trainer.id, starts_on=date(2026, 11, 30))
    # a one-off for the same trainer on the Monday that enters the horizon next week
    create_session(
        {
            "class_type_id": change.entry.class_type_id,
            "trainer_id": trainer.id,
            "room_id": schedule.room().id,
            "starts_at": datetime(2027, 2, 1, 13, tzinfo=UTC),
        },
        actor=schedule.admin(),
    )
    clock(datetime(2026, 12, 7, 12, tzinfo=UTC))
    assert fill_horizon() == 1  # Wednesday 27 Jan; Monday 1 Feb is skipped
    days = [s.occurs_on for s in _sessions(db, change.entry.id)]
    assert date(2027, 2, 1) not in days and date(2027, 1, 27) in days


def test_entry_that_overlaps_another_session_is_refused_naming_it(db, schedule, clock, app_ctx):
    clock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    trainer = schedule.trainer(name="Diego Ramírez")
    first = schedule.entry(trainer=trainer.id, starts_on=date(2026, 11, 30))
    with pytest.raises(SchedulingError) as refused:
        schedule.entry(
            trainer=trainer.id,
            weekdays=WEDNESDAY,
            start_time=time(7, 30),
            starts_on=date(2026, 11, 30),
        )
    assert refused.value.field == "trainer_id"
    assert str(refused.value).startswith(
        f"Diego Ramírez already teaches {first.entry.class_type.name} on Wed 2 Dec"
    )
    assert db.session.scalar(select(func.count(TimetableEntry.id))) == 1


def test_room_overlap_is_refused(db, schedule, clock, app_ctx):
    clock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    room = schedule.room(name="Studio A")
    schedule.entry(room=room.id, starts_on=date(2026, 11, 30))
    with pytest.raises(SchedulingError) as refused:
        schedule.entry(room=room.id, start_time=time(6, 30), starts_on=date(2026, 11, 30))
    assert refused.value.field == "room_id" and str(refused.value).startswith("Studio A is taken")


def test_inactive_class_type_gets_no_new_sessions(db, schedule, clock, app_ctx):
    clock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    retired = schedule.class_type(is_active=False)
    with pytest.raises(SchedulingError) as refused:
        schedule.entry(class_type=retired.id)
    assert refused.value.field == "class_type_id"
    assert _sessions(db) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"weekdays": 0}, "weekdays"),
        ({"weekdays": 128}, "weekdays"),
        ({"ends_on": date(2026, 11, 1)}, "ends_on"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 21}, "capacity"),
        ({"trainer_id": 999999}, "trainer_id"),
        ({"room_id": 999999}, "room_id"),
        ({"class_type_id": 999999}, "class_type_id"),
    ],
)
def test_bad_entry_values_are_refused_on_their_field(db, schedule, clock, app_ctx, values, field):
    clock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    base = {"starts_on": date(2026, 11, 30), "room": schedule.room(capacity=20).id}
    with pytest.raises(SchedulingError) as refused:
        schedule.entry(**base, **values)
    assert refused.value.field == field
    assert _sessions(db) == []


def test_editing_an_entry_moves_empty_sessions_and_keeps_booked_ones(
    db, schedule, clock, app_ctx, monkeypatch
):
    clock(datetime(2026, 11, 30, 12, tzinfo=UTC))
    change = schedule.entry(starts_on=date(2026, 11, 30))
    entry = change.entry
    booked = _sessions(db)[1]  # Monday 7 December
    swap_receivers(monkeypatch, signals.spots_taken, lambda ids: {booked.id: 3})
    values = {
        "class_type_id": entry.class_type_id,
        "trainer_id": entry.trainer_id,
        "room_id": entry.room_id,
        "weekdays": MONDAY | TUESDAY,
        "start_time": time(8, 0),
        "starts_on": entry.starts_on,
        "ends_on": None,
    }
    result = save_timetable_entry(entry.id, values, actor=schedule.admin())

    assert [s.id for s in result.kept] == [booked.id]
    assert result.removed == 7  # the other Wednesdays
    sessions = _sessions(db, entry.id)
    zone = ZoneInfo("America/Mexico_City")
    kept = db.session.get(ClassSession, booked.id)
    assert _local(kept, zone).hour == 7  # untouched, people are in it
    others = [s for s in sessions if s.id != booked.id]
    assert {_local(s, zone).hour for s in others} == {8}
    assert {s.occurs_on.weekday() for s in others} == {0, 1}


def test_non_admin_cannot_save_an_entry(db, schedule, factories, app_ctx):
    from app.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        schedule.entry(actor=factories.front_desk())
