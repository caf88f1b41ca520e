"""Email extras: images inline by default, files as real attachments when asked."""

from app.core.db import transaction
from app.notifications import services
from app.notifications.services import deliver_email, record_email


def two_files(context: dict) -> tuple[dict, list]:
    return {}, [
        ("logo", "logo.png", "image/png", b"\x89PNG-bytes"),
        ("doc", "A-000001.pdf", "application/pdf", b"%PDF-1.7 bytes", "attachment"),
    ]


def test_extras_attach_inline_by_default_and_as_attachment_when_asked(
    db, factories, outbox, monkeypatch
):
    monkeypatch.setitem(
        services.EXTRAS, "password_changed", "tests.notifications.test_attachments:two_files"
    )
    member = factories.member()
    with transaction():
        email = record_email(member, "password_changed", {"name": member.name})

    deliver_email(email.id)

    [message] = outbox
    image, document = message.attachments
    assert (image.disposition, image.headers) == ("inline", {"Content-ID": "<logo>"})
    assert (document.filename, document.content_type) == ("A-000001.pdf", "application/pdf")
    assert document.disposition == "attachment" and not document.headers
    assert 'Content-Disposition: attachment; filename="A-000001.pdf"' in message.as_string()
