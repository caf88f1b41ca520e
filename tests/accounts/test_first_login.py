"""The emailed temporary password: first sign-in and the forced change."""

import re

import pytest

from app.accounts.models import User
from tests.accounts.support import (
    audit_entries,
    emails_to,
    field_error,
    flashes,
    fresh,
    page_text,
    path_for,
    sign_in,
    temporary_password_in,
    user_by_email,
)
from tests.conftest import post_form

NEW_PASSWORD = "my-own-password-42"
#: pages a user with a temporary password may still open
OPEN_WHILE_CHANGING = {"accounts.change_password", "static", "health.healthz", "health.version"}


@pytest.fixture
def account(as_admin, db):
    """A member account made by the admin: (user, emailed temporary password)."""
    post_form(
        as_admin,
        "/admin/users/new",
        {"name": "Nora New", "email": "Nora@Example.com", "role": "member", "language": ""},
    )
    user = user_by_email(db, "nora@example.com")
    [email] = emails_to(db, user, "temporary_password")
    return user, temporary_password_in(email.body_text)


@pytest.fixture
def newcomer(browser, account):
    """A browser signed in as the new account with its temporary password."""
    user, password = account
    client = browser()
    sign_in(client, "NORA@example.com", password)
    return client


def test_temporary_password_signs_in_when_emailed_to_a_new_account(browser, account):
    user, password = account
    client = browser()

    response = post_form(client, "/login", {"email": user.email, "password": password})

    assert response.status_code == 302
    assert client.get("/app/").location == "/password/change"


def test_temporary_password_is_refused_when_mistyped(browser, account):
    user, password = account

    response = post_form(browser(), "/login", {"email": user.email, "password": password[:-1]})

    assert response.status_code == 200
    assert "The email or password is not correct." in page_text(response)


def test_change_password_page_explains_itself_when_password_is_temporary(newcomer):
    response = newcomer.get("/password/change")

    assert response.status_code == 200
    text = page_text(response)
    assert "Choose your own password" in text
    assert "You signed in with a temporary password. Choose your own before you go on." in text
    assert 'name="current_password"' not in text


def _get_paths(app, user_id: int) -> dict[str, str]:
    paths = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in OPEN_WHILE_CHANGING:
            continue
        paths[rule.endpoint] = path_for(app, rule, {}, default_id=user_id)
    return paths


def test_every_page_sends_to_change_password_when_password_is_temporary(app, newcomer, account):
    user, _password = account
    paths = _get_paths(app, user.id)
    assert "members.home" in paths and "admin.dashboard" in paths

    answers = {endpoint: newcomer.get(path) for endpoint, path in paths.items()}

    wrong = {
        endpoint: (response.status_code, response.location)
        for endpoint, response in answers.items()
        if (response.status_code, response.location) != (302, "/password/change")
    }
    assert wrong == {}


def test_sign_out_works_when_password_is_temporary(newcomer):
    response = post_form(newcomer, "/logout", token_from="/password/change")

    assert response.status_code == 302
    assert response.location == "/login"
    assert newcomer.get("/password/change").location.startswith("/login")


def test_choosing_a_password_opens_the_app_when_password_was_temporary(db, newcomer, account):
    user, temporary = account

    response = post_form(
        newcomer, "/password/change", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.location == "/app/"
    home = newcomer.get("/app/")
    assert home.status_code == 200
    assert flashes(home) == ["Your password was changed."]
    assert fresh(db, User, user.id).must_change_password is False


def test_choosing_a_password_is_audited_and_emailed_when_password_was_temporary(
    db, newcomer, account, outbox
):
    user, _temporary = account

    post_form(newcomer, "/password/change", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    [entry] = audit_entries(db, user, "user.password_changed")
    assert entry.actor_id == user.id
    assert [email.template for email in emails_to(db, user)] == [
        "temporary_password",
        "password_changed",
    ]
    assert [message.recipients for message in outbox] == [["nora@example.com"]]


def test_new_password_replaces_the_temporary_one_when_chosen(browser, newcomer, account):
    user, temporary = account
    post_form(newcomer, "/password/change", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    old = post_form(browser(), "/login", {"email": user.email, "password": temporary})
    new = post_form(browser(), "/login", {"email": user.email, "password": NEW_PASSWORD})

    assert old.status_code == 200
    assert new.status_code == 302


def test_choosing_the_temporary_password_again_is_refused_when_forced_to_change(
    db, newcomer, account
):
    user, temporary = account

    response = post_form(
        newcomer, "/password/change", {"password": temporary, "confirm": temporary}
    )

    assert response.status_code == 200
    assert field_error(response, "password") == (
        "Choose a password different from the current one."
    )
    assert fresh(db, User, user.id).must_change_password is True


def test_welcome_email_names_the_login_page_when_account_is_created(db, account):
    user, _password = account

    [email] = emails_to(db, user, "temporary_password")

    assert re.search(r"https?://[^/\s]+/login\b", email.body_text)
    assert "nora@example.com" in email.body_text
