"""QR images of check-in tokens, as PNG bytes."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from app.attendance.tokens import qr_token


def qr_png(booking_id: int, *, box_size: int = 10) -> bytes:
    """The booking's QR code: black on white with the standard quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(qr_token(booking_id))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
