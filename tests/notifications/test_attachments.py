"""Email extras: images inline by default, files as real attachments when asked."""

from app.core import signals
from app.core.db import transaction
from app.notifications.services import deliver_email, record_email


def two_files(template: str, *, context: dict) -> tuple[dict, list]:
    return {}, [
        ("logo", "logo.png", "image/png", b"\x89PNG-bytes"),
        ("doc", "A-000001.pdf", "application/pdf", b"%PDF-1.7 bytes", "attachment"),
    ]


def test_extras_attach_inline_by_default_and_as_attachment_when_asked(db, factories, outbox):
    member = factories.member()
    with transaction():
        email = record_email(member, "password_changed", {"name": member.name})

    with signals.email_extras.connected_to(two_files, sender="password_changed"):
        deliver_email(email.id)

    [message] = outbox
    image, document = message.attachments
    assert (image.disposition, image.headers) == ("inline", {"Content-ID": "<logo>"})
    assert (document.filename, document.content_type) == ("A-000001.pdf", "application/pdf")
    assert document.disposition == "attachment" and not document.headers
    assert 'Content-Disposition: attachment; filename="A-000001.pdf"' in message.as_string()
