"""Emails that carry a secret (a temporary password, a reset link): the
message sent has it, the body kept for the Sent emails page hides it unless
development asks to show it."""

import pytest

from app.accounts import passwords
from app.config import DevelopmentConfig, ProductionConfig, TestingConfig
from tests.accounts.support import (
    emails_to,
    reset_token_in,
    temporary_password_in,
    user_by_email,
)
from tests.conftest import post_form


@pytest.fixture
def production_bodies(app, monkeypatch):
    """Kept bodies as production keeps them (no SMTP server, secrets hidden)."""
    monkeypatch.setitem(app.config, "SENT_EMAILS_SHOW_SECRETS", False)


def test_secrets_are_shown_in_kept_bodies_only_in_development():
    assert ProductionConfig.SENT_EMAILS_SHOW_SECRETS is False
    assert DevelopmentConfig.SENT_EMAILS_SHOW_SECRETS is True
    assert TestingConfig.SENT_EMAILS_SHOW_SECRETS is True


def test_temporary_password_is_hidden_in_the_kept_body_but_sent_in_the_message(
    client, login, db, factories, outbox, production_bodies
):
    login(factories.admin())
    post_form(
        client,
        "/admin/users/new",
        {"name": "Ana", "email": "ana@example.com", "role": "member", "language": "en"},
    )

    user = user_by_email(db, "ana@example.com")
    [email] = emails_to(db, user, "temporary_password")
    [message] = outbox
    password = temporary_password_in(message.body)
    assert passwords.check_password(user.password_hash, password)
    assert password not in email.body_text and password not in email.body_html
    assert "[hidden]" in email.body_text and "[hidden]" in email.body_html
    assert email.context is None


def test_reset_link_is_hidden_in_the_kept_body_but_sent_in_the_message(
    client, db, factories, outbox, production_bodies
):
    member = factories.member(email="rosa@example.com")

    post_form(client, "/password/forgot", {"email": member.email})

    [email] = emails_to(db, member, "password_reset")
    [message] = outbox
    token = reset_token_in(message.body)
    assert token not in email.body_text and token not in email.body_html
    assert "/password/reset/" not in email.body_text
    assert "[hidden]" in email.body_text


def test_reset_link_is_kept_readable_in_development(client, db, factories, outbox):
    member = factories.member(email="rosa@example.com")

    post_form(client, "/password/forgot", {"email": member.email})

    [email] = emails_to(db, member, "password_reset")
    assert reset_token_in(email.body_text) == reset_token_in(outbox[0].body)
