"""Back office: rooms and class types, created and edited through their forms."""

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.scheduling.models import ClassType, Difficulty, Room
from tests.accounts.support import field_error, flashes, fresh, page_text
from tests.conftest import post_form
from tests.scheduling import admin_support
from tests.scheduling.admin_support import count, form_error_text

#: fixtures shared by the back-office scheduling tests
admin = admin_support.admin
as_admin = admin_support.as_admin
now = admin_support.now


NEW_ROOM = "/admin/rooms/new"
NEW_CLASS_TYPE = "/admin/class-types/new"


def room_form(**overrides) -> dict:
    return {"name": " Studio A ", "capacity": "20", "is_active": "y", **overrides}


def class_type_form(**overrides) -> dict:
    data = {
        "name": "Morning Strength",
        "description": "Barbells and kettlebells.",
        "tags": "Strength, cardio , STRENGTH,  hot   yoga,",
        "colour": "#FF8800",
        "duration_minutes": "45",
        "default_capacity": "10",
        "credits_required": "2",
        "difficulty": "intermediate",
        "default_trainer_id": "",
        "default_room_id": "",
        "booking_opens_hours": "",
        "booking_closes_minutes": "",
        "is_active": "y",
    }
    data.update(overrides)
    return data


def _rooms(db):
    return list(db.session.scalars(select(Room).execution_options(populate_existing=True)))


# ---- rooms -------------------------------------------------------------------


def test_create_room_saves_it_and_audits_when_form_is_valid(as_admin, db, admin):
    response = post_form(as_admin, NEW_ROOM, room_form())

    [room] = _rooms(db)
    assert response.status_code == 302
    assert response.location == f"/admin/rooms/{room.id}"
    assert (room.name, room.capacity, room.is_active) == ("Studio A", 20, True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "room.created"))
    assert entry.actor_id == admin.id
    assert "Room saved." in flashes(as_admin.get(response.location))


def test_edit_room_changes_capacity_and_takes_it_out_of_use(as_admin, db, schedule):
    room = schedule.room(name="Studio B", capacity=15)

    response = post_form(as_admin, f"/admin/rooms/{room.id}", {"name": "Studio B", "capacity": "8"})

    assert response.status_code == 302
    room = fresh(db, Room, room.id)
    assert (room.capacity, room.is_active) == (8, False)


def test_edit_room_form_shows_the_saved_values(as_admin, schedule):
    room = schedule.room(name="Spin Room", capacity=14)

    text = page_text(as_admin.get(f"/admin/rooms/{room.id}"))

    assert 'value="Spin Room"' in text and 'value="14"' in text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"capacity": "0"}, "capacity", "Capacity must be at least 1."),
        ({"capacity": "-3"}, "capacity", "Capacity must be at least 1."),
        ({"capacity": "abc"}, "capacity", "Enter a whole number."),
        ({"capacity": "2.5"}, "capacity", "Enter a whole number."),
        ({"capacity": ""}, "capacity", "Enter the capacity."),
        ({"capacity": "99999999999999999999"}, "capacity", "Enter at most 1000."),
        ({"name": "   "}, "name", "Enter the room's name."),
        ({"name": "x" * 81}, "name", "Use at most 80 characters."),
        ({"name": "Taken"}, "name", "There is already a room with this name."),
    ],
)
def test_create_room_shows_field_error_and_writes_nothing_when_input_is_bad(
    as_admin, db, schedule, overrides, field, message
):
    schedule.room(name="Taken")

    response = post_form(as_admin, NEW_ROOM, room_form(**overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert [room.name for room in _rooms(db)] == ["Taken"]
    assert count(db, AuditEntry) == 0


def test_room_pages_answer_404_for_an_unknown_room(as_admin):
    assert as_admin.get("/admin/rooms/424242").status_code == 404
    assert (
        post_form(as_admin, "/admin/rooms/424242", room_form(), token_from=NEW_ROOM).status_code
        == 404
    )


def test_room_list_shows_every_room(as_admin, schedule):
    schedule.room(name="Studio A")
    schedule.room(name="Pool", is_active=False)

    text = page_text(as_admin.get("/admin/rooms"))

    assert "Studio A" in text and "Pool" in text and "Not in use" in text
    assert "2 rooms" in text


# ---- class types -------------------------------------------------------------


def test_create_class_type_normalises_tags_and_colour_when_form_is_valid(as_admin, db):
    response = post_form(as_admin, NEW_CLASS_TYPE, class_type_form())

    class_type = db.session.scalar(select(ClassType))
    assert response.status_code == 302
    assert response.location == f"/admin/class-types/{class_type.id}"
    assert class_type.tags == ["strength", "cardio", "hot yoga"]
    assert class_type.colour == "#ff8800"
    assert (class_type.duration_minutes, class_type.default_capacity) == (45, 10)
    assert (class_type.credits_required, class_type.difficulty) == (2, Difficulty.INTERMEDIATE)
    assert (class_type.booking_opens_hours, class_type.booking_closes_minutes) == (None, None)
    assert (class_type.default_trainer_id, class_type.default_room_id) == (None, None)


def test_create_class_type_keeps_defaults_and_booking_window(as_admin, db, schedule):
    trainer, room = schedule.trainer(), schedule.room(capacity=10)

    post_form(
        as_admin,
        NEW_CLASS_TYPE,
        class_type_form(
            default_trainer_id=str(trainer.id),
            default_room_id=str(room.id),
            booking_opens_hours="48",
            booking_closes_minutes="0",
        ),
    )

    class_type = db.session.scalar(select(ClassType))
    assert (class_type.default_trainer_id, class_type.default_room_id) == (trainer.id, room.id)
    assert (class_type.booking_opens_hours, class_type.booking_closes_minutes) == (48, 0)


def test_edit_class_type_form_shows_tags_as_text(as_admin, schedule):
    class_type = schedule.class_type(name="Flow", tags=["yoga", "mobility"])

    text = page_text(as_admin.get(f"/admin/class-types/{class_type.id}"))

    assert 'value="yoga, mobility"' in text


def test_edit_class_type_saves_the_changes(as_admin, db, schedule):
    class_type = schedule.class_type(name="Flow")

    response = post_form(
        as_admin,
        f"/admin/class-types/{class_type.id}",
        class_type_form(name="Flow", tags="", difficulty="beginner", is_active=""),
    )

    assert response.status_code == 302
    class_type = fresh(db, ClassType, class_type.id)
    assert (class_type.tags, class_type.difficulty, class_type.is_active) == (
        [],
        Difficulty.BEGINNER,
        False,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the class name."),
        ({"name": "Taken"}, "name", "There is already a class type with this name."),
        ({"colour": "red"}, "colour", "Use a colour written like #1a2b3c."),
        ({"colour": "#12345"}, "colour", "Use a colour written like #1a2b3c."),
        ({"tags": ",".join(f"tag{n}" for n in range(11))}, "tags", "Use at most 10 tags."),
        ({"tags": "ok, " + "x" * 31}, "tags", "Keep each tag to at most 30 characters."),
        ({"default_capacity": "0"}, "default_capacity", "Capacity must be at least 1."),
        ({"default_capacity": "x"}, "default_capacity", "Enter a whole number."),
        ({"duration_minutes": "0"}, "duration_minutes", "Enter between 5 and 600 minutes."),
        ({"credits_required": "-1"}, "credits_required", "Enter between 0 and 100."),
        ({"difficulty": "expert"}, "difficulty", "Choose a difficulty."),
        ({"default_trainer_id": "424242"}, "default_trainer_id", "Choose an active trainer."),
        ({"default_trainer_id": "abc"}, "default_trainer_id", "Choose an active trainer."),
        ({"default_room_id": "424242"}, "default_room_id", "Choose an active room."),
        ({"booking_opens_hours": "0"}, "booking_opens_hours", "Enter between 1 and 8760."),
        ({"booking_closes_minutes": "-5"}, "booking_closes_minutes", "Enter between 0 and 10080."),
    ],
)
def test_create_class_type_shows_field_error_and_writes_nothing_when_input_is_bad(
    as_admin, db, schedule, overrides, field, message
):
    schedule.class_type(name="Taken")

    response = post_form(as_admin, NEW_CLASS_TYPE, class_type_form(**overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert count(db, ClassType) == 1
    assert count(db, AuditEntry) == 0


def test_create_class_type_refuses_a_capacity_above_its_usual_room(as_admin, db, schedule):
    room = schedule.room(name="Small Studio", capacity=8)

    response = post_form(
        as_admin,
        NEW_CLASS_TYPE,
        class_type_form(default_room_id=str(room.id), default_capacity="9"),
    )

    assert field_error(response, "default_capacity") == "Small Studio holds at most 8 people."
    assert count(db, ClassType) == 0


def test_edit_class_type_offers_its_inactive_trainer_but_the_service_refuses_it(
    as_admin, db, schedule
):
    trainer = schedule.trainer(name="Gone Trainer", is_active=False)
    class_type = schedule.class_type(name="Flow", default_trainer_id=trainer.id)
    page = f"/admin/class-types/{class_type.id}"

    assert "Gone Trainer" in page_text(as_admin.get(page))
    response = post_form(
        as_admin, page, class_type_form(name="Flow", default_trainer_id=str(trainer.id))
    )

    assert field_error(response, "default_trainer_id") == "Choose an active trainer."
    assert fresh(db, ClassType, class_type.id).colour == "#206bc4"


def test_new_class_type_form_offers_only_active_trainers(as_admin, schedule):
    schedule.trainer(name="Active Trainer")
    schedule.trainer(name="Gone Trainer", is_active=False)

    text = page_text(as_admin.get(NEW_CLASS_TYPE))

    assert "Active Trainer" in text and "Gone Trainer" not in text


def test_class_type_list_names_usual_trainer_and_room(as_admin, schedule):
    trainer, room = schedule.trainer(name="Carla Méndez"), schedule.room(name="Studio A")
    schedule.class_type(name="Flow", default_trainer_id=trainer.id, default_room_id=room.id)

    text = page_text(as_admin.get("/admin/class-types"))

    assert "Flow" in text and "Carla Méndez" in text and "Studio A" in text


def test_class_type_pages_answer_404_for_an_unknown_class_type(as_admin):
    assert as_admin.get("/admin/class-types/424242").status_code == 404


def test_form_error_text_is_empty_on_a_clean_form(as_admin):
    assert form_error_text(as_admin.get(NEW_CLASS_TYPE)) == ""
