"""Record emails and deliver them; delivery runs in a job."""

import logging
import smtplib
import uuid
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import signals
from app.core.db import transaction
from app.core.i18n import language_of
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.extensions import db, mail
from app.notifications.mime import GymMessage, recorded_message_id
from app.notifications.models import EmailStatus, SentEmail
from app.settings.services import gym_settings

log = logging.getLogger(__name__)

#: template name → subject; bodies are templates/emails/<name>.{txt,html}
SUBJECTS = {
    "temporary_password": _l("Your %(gym)s account is ready"),
    "password_reset": _l("Reset your %(gym)s password"),
    "password_changed": _l("Your %(gym)s password was changed"),
    "session_cancelled": _l("%(gym)s: your class was cancelled"),
    "session_rescheduled": _l("%(gym)s: your class has a new time"),
    "booking_confirmed": _l("%(gym)s: you're booked"),
    "waitlist_offer": _l("%(gym)s: a spot opened up for you"),
    "membership_past_due": _l("%(gym)s: your membership is due for renewal"),
    "membership_expired": _l("%(gym)s: your membership has expired"),
    "invoice_issued": _l("%(gym)s: your receipt and invoice"),
    "credit_note_issued": _l("%(gym)s: your credit note"),
    "booking_cancelled": _l("%(gym)s: your booking is cancelled"),
    "trainer_session_changed": _l("%(gym)s: a change to one of your classes"),
    "session_changed": _l("%(gym)s: a change to your class"),
    "reminder_24h": _l("%(gym)s: a reminder of your class"),
    "reminder_1h": _l("%(gym)s: your class starts soon"),
    "credits_expiring": _l("%(gym)s: your credits are about to expire"),
    "message_received": _l("%(gym)s: you have a new message"),
    "message_reported": _l("%(gym)s: a message was reported"),
    "lead_received": _l("%(gym)s: someone asked to join"),
    "lead_acknowledged": _l("%(gym)s: we received your request"),
    "ticket_replied": _l("%(gym)s: an answer to your ticket"),
    "program_assigned": _l("%(gym)s: your new workout program"),
    "diet_chart_assigned": _l("%(gym)s: your diet chart"),
    "leave_decided": _l("%(gym)s: a decision on your leave request"),
    "uncovered_sessions": _l("%(gym)s: classes that need a substitute"),
    "cover_offered": _l("%(gym)s: a class needs a substitute"),
    "pay_statement_ready": _l("%(gym)s: your pay statement"),
}


def _extras(email: SentEmail) -> tuple[dict, list]:
    """What the template's `email_extras` receiver adds at render time."""
    if not email.context:
        return {}, []
    context, images = {}, []
    for more, files in signals.answers(signals.email_extras, email.template, context=email.context):
        context.update(more)
        images.extend(files)
    return context, images


def new_key() -> str:
    """A fresh key for an email a job will record. Writes nothing; queues nothing."""
    return uuid.uuid4().hex


def email_by_key(key: str) -> SentEmail | None:
    """The email recorded under `key`, if any (a job that runs twice finds it).

    Writes nothing; queues nothing.
    """
    return db.session.scalar(select(SentEmail).where(SentEmail.key == key))


#: context key naming the keys that hold secrets (a password, a sign-in link)
_SECRETS = "_secrets"


def record_email(
    user, template: str, context: dict, *, key: str | None = None, secrets=()
) -> SentEmail:
    """Write the email row in the current transaction (not yet sent).

    `secrets` names the context keys that hold a secret (a temporary
    password, a reset link): the message sent carries them, but a body kept
    for the Sent emails page shows them hidden unless
    `SENT_EMAILS_SHOW_SECRETS` (development) says otherwise.

    Raises KeyError for a template without a subject in SUBJECTS. Queues
    nothing: the caller's job sends it.
    """
    if template not in SUBJECTS:
        raise KeyError(f"unknown email template {template!r}")
    if secrets:
        context = {**context, _SECRETS: list(secrets)}
    language = language_of(user)
    email = SentEmail(
        key=key or new_key(),
        user_id=user.id,
        to=user.email,
        language=language,
        template=template,
        subject=_subject(template, language),
        context=context,
    )
    db.session.add(email)
    db.session.flush()
    return email


def queue_email(user, template: str, context: dict | None = None) -> SentEmail:
    """Record an email and send it by job after the transaction commits.

    Raises KeyError for a template without a subject in SUBJECTS. Queues the
    `notifications.deliver_email` job after commit.
    """
    email = record_email(user, template, context or {})
    enqueue_after_commit("notifications.deliver_email", email.id)
    return email


def _subject(template: str, language: str) -> str:
    with force_locale(language):
        return str(SUBJECTS[template] % {"gym": gym_settings().gym_name})


def _revive(key: str, value):
    """Context keys ending in `_at` hold ISO instants; templates get datetimes."""
    if key.endswith("_at") and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def render_email(email: SentEmail) -> tuple[str, str, str]:
    """Subject, text and HTML of `email` in its recipient's language.

    Writes nothing; queues nothing.
    """
    subject, text, html, _images = _render(email)
    return subject, text, html


def _render(email: SentEmail, *, hide_secrets: bool = False) -> tuple[str, str, str, list]:
    settings = gym_settings()
    context = {key: _revive(key, value) for key, value in (email.context or {}).items()}
    secrets = context.pop(_SECRETS, [])
    subject = _subject(email.template, email.language)
    with force_locale(email.language):
        more, images = _extras(email)  # in the recipient's language too
        context.update(more, gym=settings.gym_name, settings=settings)
        if hide_secrets:
            context.update(dict.fromkeys(secrets, "[" + _("hidden") + "]"))
        text = render_template(f"emails/{email.template}.txt", **context)
        html = render_template(f"emails/{email.template}.html", subject=subject, **context)
    return subject, text, html, images


def _refused_for_good(exc: Exception) -> bool:
    """The receiving server refused every recipient with a 5xx reply (no such
    mailbox, say): sending again would be refused again."""
    if not isinstance(exc, smtplib.SMTPRecipientsRefused) or not exc.recipients:
        return False
    return all(code >= 500 for code, _reply in exc.recipients.values())


def deliver_email(email_id: int) -> None:
    """Send one recorded email unless it was sent already.

    Raises the transport's error after recording it, so the job is retried;
    a recipient the server refuses for good (5xx) is recorded as failed and
    not retried. Queues nothing.
    """
    email = db.session.get(SentEmail, email_id)
    if email is None or email.status is EmailStatus.SENT:
        return
    subject, text, html, images = _render(email)
    message = GymMessage(subject=subject, recipients=[email.to], body=text, html=html)
    message.msgId = recorded_message_id(email.key, email.created_at)
    unsubscribe = (email.context or {}).get("unsubscribe_url")
    if unsubscribe:  # RFC 8058: one POST to this address turns the email off
        message.extra_headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    for content_id, filename, mimetype, data, *rest in images:
        disposition = rest[0] if rest else "inline"
        headers = {"Content-ID": f"<{content_id}>"} if disposition == "inline" else None
        message.attach(filename, mimetype, data, disposition, headers=headers)
    keep_body = current_app.config["MAIL_SERVER"] is None
    hide = (email.context or {}).get(_SECRETS) and not current_app.config[
        "SENT_EMAILS_SHOW_SECRETS"
    ]
    if keep_body and hide:
        _subject, text_kept, html_kept, _images = _render(email, hide_secrets=True)
    else:
        text_kept, html_kept = text, html
    try:
        mail.send(message)
    except Exception as exc:
        with transaction():
            email.attempts += 1
            email.status = EmailStatus.FAILED
            email.last_error = repr(exc)[:2000]
        if _refused_for_good(exc):
            log.warning("email %s refused for good: %s", email.id, email.last_error)
            return
        raise
    with transaction():
        email.attempts += 1
        email.status = EmailStatus.SENT
        email.subject = subject
        email.sent_at = utc_now()
        email.last_error = None
        email.context = None
        if keep_body:
            email.body_text, email.body_html = text_kept, html_kept
