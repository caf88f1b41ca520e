"""The check-in QR code in the booking confirmation email."""

from app.attendance.qr import qr_png
from app.attendance.tokens import short_code

QR_CONTENT_ID = "checkin-qr"


def checkin_extras(template: str, *, context: dict) -> tuple[dict, list]:
    """The short code for the text, and the QR image shown inline in the HTML."""
    booking_id = context.get("booking_id")
    if booking_id is None:  # confirmations queued before check-in existed
        return {}, []
    image = (QR_CONTENT_ID, "checkin.png", "image/png", qr_png(booking_id, box_size=8))
    return {"checkin_code": short_code(booking_id), "qr_cid": QR_CONTENT_ID}, [image]

