"""A trainer's photo taken down: by the trainer on their profile, or by an admin."""

import pytest

from app.accounts.models import User
from app.core.errors import AccessDenied
from app.trainers import services
from tests.accounts.support import flashes, fresh, page_text
from tests.conftest import post_form
from tests.trainers.support import file_storage, image_bytes, stored_files, trainer_audit

PAGE = "/trainer/profile/"
REMOVE = "/trainer/profile/photo/remove"


def _admin_page(trainer) -> str:
    return f"/admin/trainers/{trainer.id}"


def _with_photo(db, trainer) -> str:
    services.change_photo(trainer.id, file_storage(image_bytes()), actor=trainer.user)
    return fresh(db, User, trainer.user_id).photo_path


# --- the service ------------------------------------------------------------------


def test_remove_photo_clears_the_path_deletes_the_file_and_is_audited(db, carla, uploads_dir):
    path = _with_photo(db, carla)

    services.remove_photo(carla.id, actor=carla.user)

    assert fresh(db, User, carla.user_id).photo_path is None
    assert stored_files(uploads_dir) == []
    [entry] = trainer_audit(db, carla, "trainer.photo_removed")
    assert (entry.actor_id, entry.before, entry.after) == (
        carla.user_id,
        {"photo_path": path},
        {"photo_path": None},
    )


def test_remove_photo_by_an_admin(db, admin, carla, uploads_dir):
    _with_photo(db, carla)

    services.remove_photo(carla.id, actor=admin)

    assert fresh(db, User, carla.user_id).photo_path is None
    assert trainer_audit(db, carla, "trainer.photo_removed")[0].actor_id == admin.id


def test_remove_photo_changes_nothing_when_there_is_no_photo(db, carla):
    services.remove_photo(carla.id, actor=carla.user)

    assert trainer_audit(db, carla, "trainer.photo_removed") == []


def test_remove_photo_is_refused_for_another_trainer(db, carla, diego, uploads_dir):
    path = _with_photo(db, carla)

    with pytest.raises(AccessDenied):
        services.remove_photo(carla.id, actor=diego.user)

    assert fresh(db, User, carla.user_id).photo_path == path
    assert stored_files(uploads_dir) == [uploads_dir / path]
    assert trainer_audit(db, carla, "trainer.photo_removed") == []


# --- the trainer's own profile ----------------------------------------------------


def test_trainer_removes_their_own_photo_from_the_profile_page(as_carla, db, carla, uploads_dir):
    _with_photo(db, carla)
    assert "Remove photo" in page_text(as_carla.get(PAGE))

    response = post_form(as_carla, REMOVE, token_from=PAGE)

    assert response.status_code == 302 and response.location == PAGE
    assert fresh(db, User, carla.user_id).photo_path is None
    assert stored_files(uploads_dir) == []
    page = as_carla.get(PAGE)
    assert "Photo removed." in flashes(page)
    assert "Remove photo" not in page_text(page)


def test_profile_page_has_no_remove_button_without_a_photo(as_carla):
    assert "Remove photo" not in page_text(as_carla.get(PAGE))


def test_own_photo_removal_without_csrf_token_changes_nothing(as_carla, db, carla, uploads_dir):
    path = _with_photo(db, carla)

    response = as_carla.post(REMOVE)

    assert response.status_code == 400
    assert fresh(db, User, carla.user_id).photo_path == path


# --- the admin's trainer page -----------------------------------------------------


def test_admin_removes_a_trainers_photo_from_the_trainer_page(
    as_admin, db, admin, carla, uploads_dir
):
    _with_photo(db, carla)
    assert "Remove photo" in page_text(as_admin.get(_admin_page(carla)))

    response = post_form(
        as_admin, f"{_admin_page(carla)}/photo/remove", token_from=_admin_page(carla)
    )

    assert response.status_code == 302 and response.location == _admin_page(carla)
    assert fresh(db, User, carla.user_id).photo_path is None
    assert stored_files(uploads_dir) == []
    assert trainer_audit(db, carla, "trainer.photo_removed")[0].actor_id == admin.id


def test_admin_photo_removal_is_404_for_an_unknown_trainer(as_admin, db):
    response = post_form(as_admin, "/admin/trainers/999999/photo/remove", token_from="/admin/")

    assert response.status_code == 404
