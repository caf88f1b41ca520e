"""Fixtures for the trainers tests: an upload folder per test, people."""

import pytest

from tests.accounts.support import new_client


@pytest.fixture(autouse=True)
def _own_upload_folder(uploads_dir):
    """Every trainers test stores its files under its own UPLOAD_FOLDER."""


@pytest.fixture
def admin(factories):
    return factories.admin(name="Ada Admin")


@pytest.fixture
def carla(factories):
    """A trainer with a profile."""
    return factories.trainer_profile(
        name="Carla Coach",
        email="carla@gym.example",
        bio="Yoga since 2015.",
        specialties=["yoga", "pilates"],
    )


@pytest.fixture
def diego(factories):
    """Another trainer with a profile."""
    return factories.trainer_profile(name="Diego Díaz", email="diego@gym.example")


@pytest.fixture
def as_admin(client, login, admin):
    login(admin)
    return client


@pytest.fixture
def as_carla(client, login, carla):
    login(carla.user)
    return client


@pytest.fixture
def browser(app, db):
    """Another signed-out browser (English)."""
    return lambda: new_client(app)
