"""Approved leave makes the timetable refuse the trainer, naming the leave:
new, edited and rescheduled sessions and the timetable's own."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from app.scheduling.models import ClassSession
from app.scheduling.rules import SchedulingError
from app.scheduling.services.sessions import create_session, reschedule_session, update_session
from app.scheduling.services.timetable import fill_horizon
from tests.scheduling.conftest import MONDAY
from tests.staff.leave.conftest import TODAY, at

#: Thursday 3 Dec 2026, whole day
AWAY = TODAY + timedelta(days=2)
REFUSAL = "Carla Méndez is away then: Vacation, Dec 3, 2026."


@pytest.fixture
def carla(gym):
    trainer = gym.trainer(name="Carla Méndez")
    gym.leave(trainer, AWAY, approve=True)
    return trainer


def _refused(call) -> SchedulingError:
    with pytest.raises(SchedulingError) as refused:
        call()
    assert refused.value.field == "trainer_id"
    return refused.value


def test_a_new_session_on_leave_is_refused_naming_the_leave(gym, db, carla):
    class_type = gym.schedule.class_type()
    values = {
        "class_type_id": class_type.id,
        "starts_at": at(AWAY, 10),
        "trainer_id": carla.id,
        "room_id": gym.room.id,
    }
    assert str(_refused(lambda: create_session(values, actor=gym.admin()))) == REFUSAL


def test_pending_or_rejected_leave_does_not_refuse(gym, db):
    trainer = gym.trainer()
    gym.leave(trainer, AWAY)  # pending
    cs = gym.session(trainer, starts_at=at(AWAY, 10))
    assert cs.trainer_id == trainer.id


def test_giving_a_session_to_a_trainer_on_leave_is_refused(gym, db, carla):
    other = gym.trainer(name="Other")
    cs = gym.session(other, starts_at=at(AWAY, 10))
    values = {
        "starts_at": cs.starts_at,
        "ends_at": cs.ends_at,
        "trainer_id": carla.id,
        "room_id": cs.room_id,
        "capacity": cs.capacity,
    }
    assert str(_refused(lambda: update_session(cs.id, values, actor=gym.admin()))) == REFUSAL
    assert db.session.get(ClassSession, cs.id, populate_existing=True).trainer_id == other.id


def test_rescheduling_into_the_leave_is_refused_and_out_of_it_allowed(gym, db, carla):
    cs = gym.session(carla, starts_at=at(AWAY + timedelta(days=1), 10))
    refused = _refused(lambda: reschedule_session(cs.id, at(AWAY, 18), "Swap", actor=gym.admin()))
    assert str(refused) == REFUSAL
    reschedule_session(cs.id, at(AWAY + timedelta(days=2), 18), "Swap", actor=gym.admin())
    assert db.session.get(ClassSession, cs.id, populate_existing=True).starts_at == at(
        AWAY + timedelta(days=2), 18
    )


def test_part_day_leave_refuses_only_its_hours(gym, db):
    trainer = gym.trainer(name="Carla Méndez")
    gym.leave(trainer, AWAY, start_time=time(9), end_time=time(12), approve=True)
    gym.session(trainer, starts_at=at(AWAY, 12))  # right after: fine
    class_type = gym.schedule.class_type()
    values = {
        "class_type_id": class_type.id,
        "starts_at": at(AWAY, 11),
        "trainer_id": trainer.id,
        "room_id": gym.room.id,
    }
    refused = _refused(lambda: create_session(values, actor=gym.admin()))
    assert "Carla Méndez is away then: Vacation, Dec 3, 2026, 9:00" in str(refused)


def test_a_timetable_entry_running_into_the_leave_is_refused(gym, db):
    trainer = gym.trainer(name="Carla Méndez")
    monday = TODAY + timedelta(days=6)  # Monday 7 Dec
    gym.leave(trainer, monday, approve=True)
    with pytest.raises(SchedulingError, match="Carla Méndez is away then: Vacation, Dec 7, 2026."):
        gym.schedule.entry(trainer=trainer.id, weekdays=MONDAY, starts_on=TODAY)


def test_the_daily_fill_skips_days_on_leave(gym, db):
    trainer = gym.trainer(name="Carla Méndez")
    entry = gym.schedule.entry(trainer=trainer.id, weekdays=MONDAY, starts_on=TODAY).entry
    monday_in_9_weeks = TODAY + timedelta(days=6 + 7 * 8)
    gym.leave(trainer, monday_in_9_weeks, approve=True)
    fill_horizon(TODAY + timedelta(days=7 * 2))  # the horizon now reaches that Monday
    days = db.session.scalars(
        select(ClassSession.occurs_on).where(ClassSession.timetable_entry_id == entry.id)
    ).all()
    assert monday_in_9_weeks not in days
    assert db.session.scalar(select(func.count(ClassSession.id))) == len(days) >= 9
