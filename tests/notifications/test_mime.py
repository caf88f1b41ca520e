"""The bytes handed to the mail server (parsed back with Python's `email`):
an inline image sits with the HTML in multipart/related, a real attachment
beside it in multipart/mixed, and the Message-ID names the gym's host."""

import email
from email import policy

import pytest

from app.core import signals
from app.core.db import transaction
from app.notifications.services import deliver_email, record_email

PNG = b"\x89PNG\r\n\x1a\n-qr-bytes"
PDF = b"%PDF-1.7 bytes"


def _sent(outbox, sender, *files, **config):
    """Deliver one email with `files` as its extras; the parsed message sent."""

    def extras(template: str, *, context: dict):
        return {}, list(files)

    with transaction():
        recorded = record_email(sender, "password_changed", {"name": sender.name})
    with signals.email_extras.connected_to(extras, sender="password_changed"):
        deliver_email(recorded.id)
    [message] = outbox
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


def _tree(part) -> list:
    """[content type, children...] with a part's disposition when it has one."""
    if part.is_multipart():
        return [part.get_content_type(), *(_tree(p) for p in part.iter_parts())]
    disposition = part.get_content_disposition()
    return part.get_content_type() + (f" ({disposition})" if disposition else "")


@pytest.fixture
def gym_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://cupo.example")


def test_inline_image_is_related_to_the_html_not_a_stray_attachment(db, factories, outbox, gym_url):
    sent = _sent(outbox, factories.member(), ("qr", "checkin.png", "image/png", PNG))

    assert _tree(sent) == [
        "multipart/alternative",
        "text/plain",
        ["multipart/related", "text/html", "image/png (inline)"],
    ]
    related = sent.get_payload()[1]
    html, image = related.iter_parts()
    assert image["Content-ID"] == "<qr>" and image.get_content() == PNG
    assert image.get_filename() == "checkin.png"
    assert "<p>" in html.get_content()
    assert sent["Message-ID"].endswith("@cupo.example>")


def test_a_real_attachment_goes_beside_the_alternative_in_mixed(db, factories, outbox, gym_url):
    sent = _sent(
        outbox,
        factories.member(),
        ("qr", "checkin.png", "image/png", PNG),
        ("doc", "A-000001.pdf", "application/pdf", PDF, "attachment"),
    )

    assert _tree(sent) == [
        "multipart/mixed",
        [
            "multipart/alternative",
            "text/plain",
            ["multipart/related", "text/html", "image/png (inline)"],
        ],
        "application/pdf (attachment)",
    ]
    [attachment] = list(sent.iter_attachments())
    assert attachment.get_filename() == "A-000001.pdf" and attachment.get_content() == PDF


def test_without_files_the_message_is_text_and_html_alternatives(db, factories, outbox, gym_url):
    member = factories.member(name="Lucía")
    sent = _sent(outbox, member)

    assert _tree(sent) == ["multipart/alternative", "text/plain", "text/html"]
    assert "Lucía" in sent.get_body(("plain",)).get_content()
    assert sent["To"] == member.email and sent["Subject"] and sent["Date"]
    assert sent["MIME-Version"] == "1.0"
    assert len(sent.get_all("Content-Type")) == 1  # Flask-Mail's own one is not kept


def test_message_id_uses_the_host_of_base_url_even_with_a_port(
    db, factories, outbox, app, monkeypatch
):
    monkeypatch.setitem(app.config, "BASE_URL", "http://127.0.0.1:5055")
    sent = _sent(outbox, factories.member())
    assert sent["Message-ID"].endswith("@127.0.0.1>")
    assert "localhost" not in sent["Message-ID"]
