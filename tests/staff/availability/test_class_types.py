"""1:1 class types on the admin's class-type form: capacity 1, a room, bounds."""

import pytest
from sqlalchemy import select

from app.scheduling.models import ClassType
from tests.accounts.support import page_text
from tests.conftest import post_form

NEW = "/admin/class-types/new"


def _form(**overrides) -> dict:
    return {
        "name": "Personal training",
        "colour": "#f76707",
        "duration_minutes": "60",
        "default_capacity": "1",
        "credits_required": "2",
        "difficulty": "all_levels",
        "default_trainer_id": "",
        "default_room_id": "",
        "is_active": "y",
        "is_one_to_one": "y",
        "buffer_minutes": "15",
        "notice_minutes": "180",
        "horizon_days": "21",
        **overrides,
    }


def test_admin_creates_a_one_to_one_type(client, login, db, schedule):
    room = schedule.room()
    login(schedule.admin())
    response = post_form(client, NEW, _form(default_room_id=str(room.id)))
    assert response.status_code == 302
    one = db.session.scalar(select(ClassType))
    assert (one.is_one_to_one, one.default_capacity, one.default_room_id) == (True, 1, room.id)
    assert (one.buffer_minutes, one.notice_minutes, one.horizon_days) == (15, 180, 21)


def test_blank_one_to_one_settings_take_the_defaults(client, login, db, schedule):
    room = schedule.room()
    login(schedule.admin())
    post_form(
        client,
        NEW,
        _form(default_room_id=str(room.id), buffer_minutes="", notice_minutes="", horizon_days=""),
    )
    one = db.session.scalar(select(ClassType))
    assert (one.buffer_minutes, one.notice_minutes, one.horizon_days) == (0, 120, 14)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"default_capacity": "2"}, "A 1:1 session is for one person: set the capacity to 1."),
        ({"room": None}, "Choose the room where 1:1 sessions take place."),
        ({"buffer_minutes": "-5"}, "Enter between 0 and 240."),
        ({"notice_minutes": "99999"}, "Enter between 0 and 10080."),
        ({"horizon_days": "0"}, "Enter between 1 and 180."),
        ({"horizon_days": "many"}, "Enter a whole number."),
    ],
)
def test_a_bad_one_to_one_type_is_refused_on_its_field(
    client, login, db, schedule, overrides, message
):
    room = schedule.room()
    login(schedule.admin())
    data = _form(default_room_id="" if overrides.pop("room", 1) is None else str(room.id))
    response = post_form(client, NEW, data | overrides)
    assert response.status_code == 200
    assert message in page_text(response)
    assert db.session.scalar(select(ClassType)) is None
