"""A signed-in user changes their own password."""

import pytest

from app.accounts import passwords
from app.accounts.models import User
from app.core.audit import AuditEntry
from app.notifications.models import SentEmail
from tests.accounts.support import (
    audit_entries,
    count,
    emails_to,
    field_error,
    flashes,
    fresh,
    page_text,
    sign_in,
)
from tests.conftest import PASSWORD, post_form

NEW_PASSWORD = "a-better-password-9"


@pytest.fixture
def member(factories, login):
    member = factories.member()
    login(member)
    return member


def change(client, current=PASSWORD, password=NEW_PASSWORD, confirm=None):
    return post_form(
        client,
        "/password/change",
        {"current_password": current, "password": password, "confirm": confirm or password},
    )


def test_change_password_page_asks_for_the_current_password_when_not_forced(client, member):
    response = client.get("/password/change")

    assert response.status_code == 200
    assert 'name="current_password"' in response.get_data(as_text=True)
    assert "You signed in with a temporary password" not in page_text(response)


def test_change_password_saves_the_new_one_when_input_is_right(client, db, member, outbox):
    response = change(client)

    assert response.status_code == 302
    assert response.location == "/app/"
    assert flashes(client.get("/app/")) == ["Your password was changed."]
    assert passwords.check_password(fresh(db, User, member.id).password_hash, NEW_PASSWORD)
    [entry] = audit_entries(db, member)
    assert (entry.action, entry.actor_id) == ("user.password_changed", member.id)
    assert [email.template for email in emails_to(db, member)] == ["password_changed"]
    assert [message.recipients for message in outbox] == [[member.email]]


def test_change_password_keeps_this_device_and_signs_out_the_others_when_saved(
    client, browser, member
):
    other_device = browser()
    sign_in(other_device, member.email)

    change(client)

    assert client.get("/app/").status_code == 200
    assert other_device.get("/app/").location.startswith("/login")


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        pytest.param(
            {"current": "not-my-password"},
            "current_password",
            "Your current password is not correct.",
            id="wrong-current",
        ),
        pytest.param(
            {"current": ""},
            "current_password",
            "Your current password is not correct.",
            id="no-current",
        ),
        pytest.param(
            {"password": PASSWORD},
            "password",
            "Choose a password different from the current one.",
            id="same-as-current",
        ),
        pytest.param(
            {"confirm": NEW_PASSWORD + "!"}, "confirm", "The passwords do not match.", id="mismatch"
        ),
        pytest.param(
            {"password": "short"}, "password", "Use between 10 and 128 characters.", id="too-short"
        ),
    ],
)
def test_change_password_shows_a_field_error_and_changes_nothing_when_input_is_wrong(
    client, db, member, outbox, fields, field_id, message
):
    entries, emails = count(db, AuditEntry), count(db, SentEmail)

    response = change(client, **fields)

    assert response.status_code == 200
    assert field_error(response, field_id) == message
    saved = fresh(db, User, member.id)
    assert passwords.check_password(saved.password_hash, PASSWORD)
    assert saved.session_token == member.session_token
    assert (count(db, AuditEntry), count(db, SentEmail)) == (entries, emails)
    assert outbox == []
