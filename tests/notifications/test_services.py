"""Emails: recorded with their subject, rendered in the recipient's language,
sent once, and failures recorded for a retry."""

import pytest
from flask_mail import Mail

from app.core.db import transaction
from app.notifications.models import EmailStatus, SentEmail
from app.notifications.services import deliver_email, record_email


def _record(user, template="password_changed"):
    with transaction():
        return record_email(user, template, {"name": user.name})


def test_email_is_recorded_with_its_subject_in_the_recipients_language(app, db, factories):
    spanish = _record(factories.member(language="es"))
    english = _record(factories.member(language="en"))
    assert spanish.status is EmailStatus.QUEUED
    assert english.subject == "Your Cupo Gym password was changed"
    assert spanish.subject != english.subject and "Cupo Gym" in spanish.subject


def test_delivery_sends_text_and_html_once_and_keeps_the_body_without_smtp(
    app, db, factories, outbox
):
    email = _record(factories.member(name="Lucía"))
    deliver_email(email.id)
    deliver_email(email.id)
    [message] = outbox
    assert "Lucía" in message.body and "<p>" in message.html
    saved = db.session.get(SentEmail, email.id)
    assert (saved.status, saved.attempts, saved.context) == (EmailStatus.SENT, 1, None)
    assert "Lucía" in saved.body_text and saved.sent_at is not None


def test_failed_delivery_is_recorded_and_raised_for_a_retry(app, db, factories, monkeypatch):
    email = _record(factories.member())

    def refuse(self, message):
        raise ConnectionRefusedError("relay refused")

    monkeypatch.setattr(Mail, "send", refuse)
    with pytest.raises(ConnectionRefusedError):
        deliver_email(email.id)
    saved = db.session.get(SentEmail, email.id)
    assert (saved.status, saved.attempts) == (EmailStatus.FAILED, 1)
    assert "relay refused" in saved.last_error
    assert saved.context == {"name": saved.user.name}  # kept for the retry


def test_body_is_not_kept_when_an_smtp_server_is_configured(app, db, factories, monkeypatch):
    email = _record(factories.member())
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.com")
    deliver_email(email.id)
    saved = db.session.get(SentEmail, email.id)
    assert saved.status is EmailStatus.SENT and saved.body_text is None


def test_sent_emails_page_shows_the_body_only_in_development(
    app, client, db, factories, login, monkeypatch
):
    admin = factories.admin()
    email = _record(factories.member(name="Mateo"))
    deliver_email(email.id)
    login(admin)
    assert "Mateo" in client.get(f"/admin/emails/{email.id}").get_data(as_text=True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.com")
    html = client.get(f"/admin/emails/{email.id}").get_data(as_text=True)
    assert "Message bodies are not kept" in html


def test_sent_emails_page_filters_by_status_and_recipient(client, db, factories, login):
    login(factories.admin())
    sent = _record(factories.member(email="sent@example.com"))
    deliver_email(sent.id)
    _record(factories.member(email="waiting@example.com"))
    html = client.get("/admin/emails/?status=queued&to=example").get_data(as_text=True)
    assert "waiting@example.com" in html and "sent@example.com" not in html
    assert client.get("/admin/emails/?status=nonsense&page=x").status_code == 200


def test_an_email_sent_again_before_it_was_marked_sent_keeps_its_message_id(
    app, db, factories, outbox, monkeypatch
):
    monkeypatch.setitem(app.config, "BASE_URL", "https://cupo.example")
    email = _record(factories.member())
    deliver_email(email.id)
    with transaction():  # as if the worker died between sending and marking it sent
        db.session.get(SentEmail, email.id).status = EmailStatus.QUEUED
    deliver_email(email.id)
    other = _record(factories.member())
    deliver_email(other.id)

    first, again, another = (message.msgId for message in outbox)
    assert first == again and first.endswith("@cupo.example>")
    assert another != first
