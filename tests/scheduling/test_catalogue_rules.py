"""Rules the catalogue services keep whatever form calls them."""

from datetime import UTC, date, datetime, time

import pytest

from app.core import signals
from app.scheduling.models import Room
from app.scheduling.rules import SchedulingError
from app.scheduling.services.catalogue import save_class_type, save_room
from app.scheduling.services.sessions import create_session, update_session
from tests.tools import swap_receivers

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_room_and_class_type_names_must_be_given_and_short(schedule, app_ctx, name):
    with pytest.raises(SchedulingError) as refused:
        save_room(None, name=name, capacity=10, actor=schedule.admin())
    assert refused.value.field == "name"
    with pytest.raises(SchedulingError) as refused:
        save_class_type(None, {"name": name, "default_capacity": 5}, actor=schedule.admin())
    assert refused.value.field == "name"


def test_room_cannot_shrink_below_its_upcoming_classes(schedule, clock, db, app_ctx):
    clock(NOW)
    room = schedule.room(name="Studio", capacity=20)
    schedule.entry(room=room.id, starts_on=date(2026, 12, 1))  # class type holds 12
    with pytest.raises(SchedulingError) as refused:
        save_room(room.id, name="Studio", capacity=10, actor=schedule.admin())
    assert refused.value.field == "capacity"
    assert "lower their capacity first" in str(refused.value)
    assert db.session.get(Room, room.id).capacity == 20
    save_room(room.id, name="Studio", capacity=12, actor=schedule.admin())


def test_far_future_dates_are_refused_not_crashed_on(schedule, clock, app_ctx):
    clock(NOW)
    with pytest.raises(SchedulingError) as refused:
        schedule.entry(starts_on=date(9999, 12, 1))
    assert refused.value.field == "starts_on"
    class_type = schedule.class_type(
        default_trainer_id=schedule.trainer().id, default_room_id=schedule.room().id
    )
    with pytest.raises(SchedulingError) as refused:
        create_session(
            {"class_type_id": class_type.id, "starts_at": datetime(9999, 12, 31, 23, tzinfo=UTC)},
            actor=schedule.admin(),
        )
    assert refused.value.field == "starts_at"


def test_moving_a_session_on_its_edit_page_runs_the_change_handlers(
    schedule, clock, app_ctx, monkeypatch
):
    clock(NOW)
    class_type = schedule.class_type(
        default_trainer_id=schedule.trainer().id, default_room_id=schedule.room().id
    )
    cs = create_session(
        {"class_type_id": class_type.id, "starts_at": datetime(2026, 12, 3, 14, tzinfo=UTC)},
        actor=schedule.admin(),
    )
    seen = []
    swap_receivers(monkeypatch, signals.session_changed, lambda s, change: seen.append(change))
    same = {
        "starts_at": cs.starts_at,
        "trainer_id": cs.trainer_id,
        "room_id": cs.room_id,
        "capacity": 10,
    }
    update_session(cs.id, same, actor=schedule.admin())
    assert seen == []  # a size change moves nobody
    later = dict(same, starts_at=datetime(2026, 12, 3, 16, tzinfo=UTC), ends_at=None)
    update_session(cs.id, later, actor=schedule.admin())
    assert seen == ["rescheduled"]


def test_class_type_window_of_zero_minutes_is_kept(schedule, clock, app_ctx):
    from app.scheduling.rules import booking_window

    clock(NOW)
    class_type = schedule.class_type(
        default_trainer_id=schedule.trainer().id,
        default_room_id=schedule.room().id,
        booking_closes_minutes=0,
    )
    cs = create_session(
        {"class_type_id": class_type.id, "starts_at": datetime(2026, 12, 3, 14, tzinfo=UTC)},
        actor=schedule.admin(),
    )
    assert booking_window(cs)[1] == cs.starts_at
    assert time(14) == cs.starts_at.time()
