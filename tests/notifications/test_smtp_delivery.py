"""Emails through a real SMTP server (tests/smtp.py): what the member's mail
server receives, and what a relay's refusals leave behind."""

import smtplib

import pytest
from sqlalchemy import select

from app.core.db import transaction
from app.core.jobs import OutboxJob, OutboxStatus
from app.notifications.mime import recorded_message_id
from app.notifications.models import EmailStatus, SentEmail
from app.notifications.services import deliver_email, queue_email, record_email


def _record(user, template="password_changed"):
    with transaction():
        return record_email(user, template, {"name": user.name})


def test_a_delivered_email_arrives_once_in_the_members_language_with_both_parts(
    db, factories, smtp
):
    member = factories.member(name="Lucía", email="lucia@example.com", language="es")
    recorded = _record(member)

    deliver_email(recorded.id)
    deliver_email(recorded.id)  # a repeated job sends nothing more

    [(recipients, message)] = smtp.messages
    saved = db.session.get(SentEmail, recorded.id)
    assert recipients == ["lucia@example.com"]
    assert message["Subject"] == saved.subject and "contraseña" in saved.subject.lower()
    assert message["Message-ID"] == recorded_message_id(saved.key, saved.created_at)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Lucía" in text and "Lucía" in html and "<p" in html
    assert (saved.status, saved.attempts, saved.body_text) == (EmailStatus.SENT, 1, None)


def test_a_relay_that_says_try_later_gets_the_email_once_on_the_retry(db, factories, smtp):
    recorded = _record(factories.member(email="later@example.com"))
    smtp.refuse(451, "4.3.0 Mailbox busy, try again later")

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        deliver_email(recorded.id)
    failed = db.session.get(SentEmail, recorded.id)
    assert (failed.status, failed.attempts) == (EmailStatus.FAILED, 1)
    assert "451" in failed.last_error and smtp.messages == []

    deliver_email(recorded.id)  # the outbox's retry

    assert [recipients for recipients, _ in smtp.messages] == [["later@example.com"]]
    sent = db.session.get(SentEmail, recorded.id)
    assert (sent.status, sent.attempts, sent.last_error) == (EmailStatus.SENT, 2, None)


def test_a_mailbox_that_does_not_exist_is_failed_for_good_with_the_reason(db, factories, smtp):
    recorded = _record(factories.member(email="nobody@example.com"))
    smtp.refuse(550, "5.1.1 No such mailbox")

    deliver_email(recorded.id)  # no error for the job: a retry would be refused again

    failed = db.session.get(SentEmail, recorded.id)
    assert (failed.status, failed.attempts) == (EmailStatus.FAILED, 1)
    assert "No such mailbox" in failed.last_error
    assert smtp.messages == []


def test_a_failed_for_good_email_leaves_its_outbox_job_done_not_retried(db, factories, smtp):
    member = factories.member(email="gone@example.com")
    smtp.refuse(550, "5.1.1 No such mailbox")
    with transaction():  # no Redis in tests: the job runs inline after the commit
        queue_email(member, "password_changed", {"name": member.name})

    [job] = db.session.scalars(select(OutboxJob)).all()
    [email] = db.session.scalars(select(SentEmail)).all()
    assert (job.status, job.attempts) == (OutboxStatus.DONE, 1)
    assert email.status is EmailStatus.FAILED and smtp.messages == []
