"""Fixtures for the accounts tests: more browsers, a signed-in admin."""

import pytest

from tests.accounts.support import new_client


@pytest.fixture
def browser(app, db):
    """Open another browser: `browser()` (English) or `browser(None)` (no cookie)."""

    def make(language: str | None = "en"):
        return new_client(app, language)

    return make


@pytest.fixture
def admin(factories):
    return factories.admin(name="Ada Admin")


@pytest.fixture
def as_admin(client, login, admin):
    """`client`, signed in as `admin`."""
    login(admin)
    return client
