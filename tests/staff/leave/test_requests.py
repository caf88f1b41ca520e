"""A trainer asks for leave: every bad value is a field error and writes nothing."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from app.core.errors import NotYours
from app.staff.models import Leave, LeaveKind, LeaveStatus
from app.staff.services.leave import LeaveError, request_leave, withdraw_leave
from tests.staff.leave.conftest import TODAY, at


def _count(db) -> int:
    return db.session.scalar(select(func.count(Leave.id)))


def _values(**values):
    return {
        "kind": LeaveKind.VACATION,
        "first_day": TODAY + timedelta(days=3),
        "last_day": TODAY + timedelta(days=5),
        "start_time": None,
        "end_time": None,
        "reason": "Family",
        **values,
    }


def test_whole_days_run_from_midnight_to_the_midnight_after_the_last_day(gym, db):
    trainer = gym.trainer()
    leave = request_leave(trainer.id, _values(), actor=trainer.user)
    assert leave.status is LeaveStatus.PENDING
    assert leave.starts_at == at(TODAY + timedelta(days=3), 0)
    assert leave.ends_at == at(TODAY + timedelta(days=6), 0)


def test_part_of_a_day_runs_between_its_times(gym, db):
    trainer = gym.trainer()
    day = TODAY + timedelta(days=2)
    leave = request_leave(
        trainer.id,
        _values(first_day=day, last_day=day, start_time=time(9), end_time=time(13)),
        actor=trainer.user,
    )
    assert (leave.starts_at, leave.ends_at) == (at(day, 9), at(day, 13))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"first_day": TODAY - timedelta(days=1)},
            "first_day",
            "Choose a first day from today on.",
        ),
        (
            {"last_day": TODAY + timedelta(days=2)},
            "last_day",
            "The last day cannot be before the first.",
        ),
        ({"first_day": None}, "first_day", "Enter the first day."),
        ({"kind": None}, "kind", "Choose the kind of leave."),
        ({"start_time": time(9)}, "end_time", "Give both times, or neither for whole days."),
        ({"end_time": time(9)}, "start_time", "Give both times, or neither for whole days."),
        (
            {"last_day": TODAY + timedelta(days=3), "start_time": time(13), "end_time": time(9)},
            "end_time",
            "The end time must be after the start time.",
        ),
        (
            {"last_day": TODAY + timedelta(days=400)},
            "last_day",
            "Ask for at most a year at a time.",
        ),
        ({"reason": "x" * 1001}, "reason", "Use at most 1000 characters."),
    ],
)
def test_bad_values_are_refused_on_their_field_and_nothing_is_written(
    gym, db, values, field, message
):
    trainer = gym.trainer()
    with pytest.raises(LeaveError) as refused:
        request_leave(trainer.id, _values(**values), actor=trainer.user)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert _count(db) == 0


def test_a_time_already_past_today_is_refused(gym, db):
    trainer = gym.trainer()
    values = _values(first_day=TODAY, last_day=TODAY, start_time=time(6), end_time=time(8))
    with pytest.raises(LeaveError, match="has not passed"):
        request_leave(trainer.id, values, actor=trainer.user)


@pytest.mark.parametrize("status", [LeaveStatus.PENDING, LeaveStatus.APPROVED])
def test_overlapping_the_trainers_live_leave_is_refused(gym, db, status):
    trainer = gym.trainer()
    gym.leave(trainer, TODAY + timedelta(days=4), approve=status is LeaveStatus.APPROVED)
    with pytest.raises(LeaveError) as refused:
        request_leave(trainer.id, _values(), actor=trainer.user)
    assert refused.value.field == "first_day"
    assert "You already asked for leave from" in str(refused.value)
    assert _count(db) == 1


def test_withdrawn_leave_no_longer_blocks_another_request(gym, db):
    trainer = gym.trainer()
    first = gym.leave(trainer, TODAY + timedelta(days=4))
    assert withdraw_leave(first.id, actor=trainer.user) is True
    assert withdraw_leave(first.id, actor=trainer.user) is False  # twice: no change
    request_leave(trainer.id, _values(), actor=trainer.user)
    assert _count(db) == 2


def test_another_trainers_leave_is_not_theirs_to_withdraw_or_request(gym, db):
    trainer, other = gym.trainer(), gym.trainer(name="Other")
    leave = gym.leave(trainer)
    with pytest.raises(NotYours):
        withdraw_leave(leave.id, actor=other.user)
    with pytest.raises(NotYours):
        request_leave(trainer.id, _values(), actor=other.user)
    assert db.session.get(Leave, leave.id).status is LeaveStatus.PENDING


def test_decided_leave_cannot_be_withdrawn(gym, db):
    trainer = gym.trainer()
    leave = gym.leave(trainer, approve=True)
    with pytest.raises(LeaveError, match="already decided"):
        withdraw_leave(leave.id, actor=trainer.user)
