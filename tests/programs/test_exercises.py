"""The exercise library: trainers and admins add and edit, names in both
languages (shown in the reader's), a picture stored like profile photos."""

import pytest
from sqlalchemy import func, select

from app.core.errors import AccessDenied
from app.programs.models import Exercise
from app.programs.services import ProgramError
from app.programs.services.exercises import save_exercise
from tests.accounts.support import page_text
from tests.conftest import post_form
from tests.trainers.support import file_storage, image_bytes

GOOD = {
    "name_en": "Goblet squat",
    "name_es": "Sentadilla goblet",
    "muscle_group": "legs",
    "equipment": "kettlebell",
    "instructions": "Elbows inside the knees.",
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name_en": " "}, "name_en"),
        ({"name_es": ""}, "name_es"),
        ({"muscle_group": "neck"}, "muscle_group"),
        ({"equipment": "spaceship"}, "equipment"),
        ({"name_en": "x" * 121}, "name_en"),
    ],
)
def test_a_bad_exercise_is_a_field_error_and_writes_nothing(db, pf, app_ctx, change, field):
    trainer = pf.trainer()

    with pytest.raises(ProgramError) as refused:
        save_exercise(None, **(GOOD | change), actor=trainer.user)

    assert refused.value.field == field
    assert db.session.scalar(select(func.count()).select_from(Exercise)) == 0


def test_a_second_exercise_of_the_same_name_is_refused(db, pf, app_ctx, factories):
    save_exercise(None, **GOOD, actor=factories.admin())

    with pytest.raises(ProgramError) as refused:
        save_exercise(None, **(GOOD | {"name_en": "GOBLET SQUAT"}), actor=pf.trainer().user)

    assert str(refused.value) == "The library already has an exercise of this name."


def test_members_and_the_desk_may_not_write_the_library(db, app_ctx, factories):
    for person in (factories.member(), factories.front_desk()):
        with pytest.raises(AccessDenied):
            save_exercise(None, **GOOD, actor=person)


def test_a_picture_is_stored_as_a_photo(db, pf, app_ctx, uploads_dir):
    exercise = save_exercise(
        None, **GOOD, image=file_storage(image_bytes()), actor=pf.trainer().user
    )

    assert exercise.image_path.startswith("photos/") and exercise.image_path.endswith(".jpg")


def test_the_library_shows_names_in_the_readers_language(db, client, login, pf):
    pf.exercise("Barbell row", name_es="Remo con barra")
    trainer = pf.trainer(language="es")
    login(trainer.user)

    listing = page_text(client.get("/trainer/programs/exercises"))

    assert "Remo con barra" in listing and "Barbell row" not in listing


def test_a_trainer_adds_an_exercise_from_the_form(db, client, login, pf):
    login(pf.trainer().user)

    response = post_form(client, "/trainer/programs/exercises/new", GOOD)

    assert response.status_code == 302
    assert db.session.scalar(select(Exercise.name_es)) == "Sentadilla goblet"
