"""Admin creates accounts: the row, the audit entry, the temporary password."""

import pytest

from app.accounts import passwords
from app.accounts.models import Role, User, UserStatus
from app.core.audit import AuditEntry
from app.core.jobs import OutboxJob
from app.core.models import utc_now
from app.notifications.models import EmailStatus, SentEmail
from tests.accounts.support import (
    audit_entries,
    count,
    emails_to,
    field_error,
    flashes,
    temporary_password_in,
    user_by_email,
)
from tests.conftest import post_form

NEW = "/admin/users/new"


def account_form(**overrides) -> dict:
    data = {
        "name": "  Ana López ",
        "email": "Ana.Lopez@Example.COM",
        "phone": "+52 55 1234-5678",
        "role": "member",
        "language": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_create_account_stores_lowercased_email_when_form_is_valid(as_admin, db, role):
    response = post_form(as_admin, NEW, account_form(role=role.value))

    user = user_by_email(db, "ana.lopez@example.com")
    assert response.status_code == 302
    assert response.location == f"/admin/users/{user.id}"
    assert (user.name, user.phone, user.role, user.status, user.language) == (
        "Ana López",
        "+52 55 1234-5678",
        role,
        UserStatus.ACTIVE,
        None,
    )
    assert user.must_change_password is True
    assert user.deleted_at is None


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_create_account_is_audited_when_form_is_valid(as_admin, db, admin, role):
    post_form(as_admin, NEW, account_form(role=role.value))

    user = user_by_email(db, "ana.lopez@example.com")
    [entry] = audit_entries(db, user)
    assert entry.action == "user.created"
    assert entry.actor_id == admin.id
    assert entry.before is None
    assert entry.after == {
        "email": "ana.lopez@example.com",
        "name": "Ana López",
        "phone": "+52 55 1234-5678",
        "role": role.value,
        "language": None,
        "status": "active",
    }


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_create_account_emails_a_working_temporary_password_when_form_is_valid(
    as_admin, db, outbox, role
):
    post_form(as_admin, NEW, account_form(role=role.value))

    user = user_by_email(db, "ana.lopez@example.com")
    [email] = emails_to(db, user)
    assert (email.template, email.status, email.to) == (
        "temporary_password",
        EmailStatus.SENT,
        "ana.lopez@example.com",
    )
    password = temporary_password_in(email.body_text)
    assert passwords.check_password(user.password_hash, password)
    assert email.context is None  # the password is not kept once sent
    [message] = outbox
    assert message.recipients == ["ana.lopez@example.com"]
    assert password in message.body


def test_create_account_confirms_with_the_email_when_form_is_valid(as_admin):
    response = post_form(as_admin, NEW, account_form(), follow_redirects=True)

    assert response.status_code == 200
    assert flashes(response) == [
        "Account created. A temporary password was emailed to ana.lopez@example.com."
    ]


def test_create_account_accepts_a_name_of_exactly_120_characters_when_at_the_limit(as_admin, db):
    post_form(as_admin, NEW, account_form(name="N" * 120))

    assert user_by_email(db, "ana.lopez@example.com").name == "N" * 120


def test_create_account_stores_the_chosen_language_when_one_is_picked(as_admin, db):
    post_form(as_admin, NEW, account_form(language="en"))

    assert user_by_email(db, "ana.lopez@example.com").language == "en"


BAD_INPUT = [
    pytest.param({"name": ""}, {"name": "Enter the person's name."}, id="empty-name"),
    pytest.param({"name": "N" * 121}, {"name": "Use at most 120 characters."}, id="long-name"),
    pytest.param({"email": ""}, {"email": "Enter an email address."}, id="empty-email"),
    pytest.param(
        {"email": "ana.example.com"}, {"email": "Enter a valid email address."}, id="bad-email"
    ),
    pytest.param(
        {"email": "ana@"}, {"email": "Enter a valid email address."}, id="email-without-domain"
    ),
    pytest.param(
        {"phone": "call me"}, {"phone": "Use digits, spaces and + ( ) - only."}, id="bad-phone"
    ),
    pytest.param({"role": "owner"}, {"role": "Not a valid choice."}, id="unknown-role"),
    pytest.param(
        {"name": "", "email": ""},
        {"name": "Enter the person's name.", "email": "Enter an email address."},
        id="everything-empty",
    ),
]


@pytest.mark.parametrize(("changes", "errors"), BAD_INPUT)
def test_create_account_shows_field_errors_and_writes_nothing_when_input_is_bad(
    as_admin, db, outbox, changes, errors
):
    before = [count(db, model) for model in (User, AuditEntry, SentEmail, OutboxJob)]

    response = post_form(as_admin, NEW, account_form(**changes))

    assert response.status_code == 200
    for field_id, message in errors.items():
        assert field_error(response, field_id) == message
    assert [count(db, model) for model in (User, AuditEntry, SentEmail, OutboxJob)] == before
    assert outbox == []


def test_create_account_refuses_an_email_in_use_whatever_its_case(as_admin, db, factories, outbox):
    factories.member(email="ana.lopez@example.com")
    before = [count(db, model) for model in (User, AuditEntry, SentEmail, OutboxJob)]

    response = post_form(as_admin, NEW, account_form(email="ANA.Lopez@example.com"))

    assert response.status_code == 200
    assert field_error(response, "email") == "An account with this email already exists."
    assert [count(db, model) for model in (User, AuditEntry, SentEmail, OutboxJob)] == before
    assert outbox == []


def test_create_account_refuses_an_email_of_a_deleted_account_when_it_is_still_stored(
    as_admin, db, factories
):
    factories.member(email="ana.lopez@example.com", deleted_at=utc_now())
    users = count(db, User)

    response = post_form(as_admin, NEW, account_form())

    assert response.status_code == 200
    assert field_error(response, "email") == "An account with this email already exists."
    assert count(db, User) == users


def test_create_account_says_the_email_is_too_long_when_over_254_characters(as_admin, db):
    users = count(db, User)

    response = post_form(as_admin, NEW, account_form(email="a" * 64 + "@" + "b" * 190 + ".com"))

    assert response.status_code == 200
    assert "The email is too long." in field_error(response, "email")
    assert count(db, User) == users


def test_create_account_keeps_what_was_typed_when_input_is_bad(as_admin):
    response = post_form(as_admin, NEW, account_form(email="not-an-email"))

    body = response.get_data(as_text=True)
    assert 'value="  Ana López "' in body
    assert 'value="not-an-email"' in body
