"""Passwords that are refused whatever their length: the account's own email
(or its local part) or name, and the most common passwords."""

import pytest

from app.accounts import passwords
from app.accounts.models import User
from tests.accounts.support import emails_to, field_error, fresh, reset_token_in, sign_in
from tests.conftest import PASSWORD, post_form

OWN = "Choose a password that is not your email or your name."
COMMON = "This password is too common. Choose one that is harder to guess."


@pytest.fixture
def member(factories):
    return factories.member(email="mariana.gomez@example.com", name="Mariana Gomez")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("mariana.gomez@example.com", OWN),
        ("Mariana.Gomez@Example.com", OWN),
        ("mariana.gomez", OWN),
        ("mariana.gomez2024", OWN),
        ("Mariana Gomez", OWN),
        ("marianagomez!!", OWN),
        ("1q2w3e4r5t", COMMON),
        ("Basketball", COMMON),
        ("qwertyuiop1", COMMON),
        ("contraseña123", COMMON),
    ],
)
def test_change_password_refuses_own_email_name_or_common_password(
    client, db, member, password, message
):
    sign_in(client, member.email)

    response = post_form(
        client,
        "/password/change",
        {"current_password": PASSWORD, "password": password, "confirm": password},
    )

    assert response.status_code == 200
    assert field_error(response, "password") == message
    assert passwords.check_password(fresh(db, User, member.id).password_hash, PASSWORD)


def test_change_password_accepts_an_uncommon_password_of_its_own(client, db, member):
    sign_in(client, member.email)

    response = post_form(
        client,
        "/password/change",
        {
            "current_password": PASSWORD,
            "password": "violeta-sube-al-cerro",
            "confirm": "violeta-sube-al-cerro",
        },
    )

    assert response.status_code == 302
    assert passwords.check_password(
        fresh(db, User, member.id).password_hash, "violeta-sube-al-cerro"
    )


def test_reset_refuses_a_common_password(client, db, member):
    post_form(client, "/password/forgot", {"email": member.email})
    [email] = emails_to(db, member, "password_reset")
    token = reset_token_in(email.body_text)

    response = post_form(
        client, f"/password/reset/{token}", {"password": "1234567890", "confirm": "1234567890"}
    )

    assert field_error(response, "password") == COMMON
    assert passwords.check_password(fresh(db, User, member.id).password_hash, PASSWORD)


def test_first_admin_is_refused_a_password_that_is_its_email(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "owner@gym.mx", "--name", "Owner"],
        input="owner@gym.mx\nowner@gym.mx\n",
    )

    assert result.exit_code == 1
    assert db.session.query(User).count() == 0


def test_the_bundled_list_is_lowercase_and_long_enough_to_matter():
    common = passwords.common_passwords()

    assert len(common) > 1000
    assert all(word == word.lower() for word in common)
    assert all(len(word) >= passwords.MIN_LENGTH for word in common)
