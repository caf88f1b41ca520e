"""The QR a member shows is read by an independent decoder (zbar) as the
booking's token, and the token reads back as the booking."""

import email
import struct
from email import policy

import pytest

from app.attendance import tokens
from tests.tools import decode_qr


@pytest.fixture
def booked(door, login):
    cs, member, booking = door.booked()
    login(member)
    return booking


def _png_width(png: bytes) -> int:
    """The image width from the PNG header (IHDR comes first)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", png[16:20])[0]


def test_the_pass_qr_decodes_to_the_bookings_token(booked, client):
    response = client.get(f"/app/bookings/{booked.id}/qr.png")

    text = decode_qr(response.data)
    assert text == tokens.qr_token(booked.id)
    assert tokens.read(text) == (booked.id, True)


def test_the_qr_stays_small_enough_to_scan_off_a_phone(booked, client):
    png = client.get(f"/app/bookings/{booked.id}/qr.png").data

    modules = _png_width(png) // 10 - 2 * 4  # box size 10, quiet zone of 4
    version = (modules - 17) // 4
    assert len(tokens.qr_token(booked.id)) <= 40
    assert 1 <= version <= 3


def test_the_confirmation_email_carries_the_same_qr_and_the_short_code(door, outbox):
    cs, member, booking = door.booked()

    [email] = [m for m in outbox if m.recipients == [member.email]]
    [image] = [a for a in email.attachments if (a.headers or {}).get("Content-ID")]
    assert image.headers["Content-ID"] == f"<{tokens.QR_CONTENT_ID}>"
    assert image.disposition == "inline"
    assert decode_qr(image.data) == tokens.qr_token(booking.id)
    assert tokens.short_code(booking.id) in email.body


def test_the_confirmation_qr_is_related_to_the_html_in_the_bytes_sent(door, outbox, app):
    cs, member, booking = door.booked()

    [sent] = [m for m in outbox if m.recipients == [member.email]]
    parsed = email.message_from_bytes(sent.as_bytes(), policy=policy.default)
    # the booking's calendar file is a real attachment beside the message
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, calendar = parsed.iter_parts()
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_content_disposition() == "attachment"
    assert alternative.get_content_type() == "multipart/alternative"
    text, related = alternative.iter_parts()
    assert (text.get_content_type(), related.get_content_type()) == (
        "text/plain",
        "multipart/related",
    )
    html, image = related.iter_parts()
    assert html.get_content_type() == "text/html"
    assert f"cid:{tokens.QR_CONTENT_ID}" in html.get_content()
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    assert image["Content-ID"] == f"<{tokens.QR_CONTENT_ID}>"
    assert decode_qr(image.get_content()) == tokens.qr_token(booking.id)
    host = app.config["BASE_URL"].split("//", 1)[1].split(":")[0].split("/")[0]
    assert parsed["Message-ID"].endswith(f"@{host}>")
