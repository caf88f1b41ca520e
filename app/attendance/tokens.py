"""What a booking's QR code and its short code say, and how they are read.

Both name the booking and carry an HMAC of its id under a key derived from
the app's secret, so a code cannot be made up or altered. Neither carries a
time: when a code works is read from the booking's class at scan time.

- The QR token is `CUPO-<id>-<16 characters of HMAC>` (80 bits). It uses only
  characters of the QR alphanumeric mode, so the code stays small (version 2)
  and scans easily off a phone screen.
- The short code, printed under the QR for typing in by hand, is the id in at
  least 4 characters and 4 characters of another HMAC, shown as `ABCD-EFGH`.
  Twenty bits are plenty at a door where failed scans are rate limited.

Both use Crockford's base 32: no I, L, O or U, and typing those letters is
forgiven (read as 1, 1, 0).

The QR image (PNG) is drawn here too, for the member's pass and for the
booking confirmation email (`checkin_extras`, an `email_extras` receiver).
"""

import hashlib
import hmac
import io

import qrcode
from flask import current_app
from qrcode.constants import ERROR_CORRECT_M

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "CUPO-"
QR_MAC_LENGTH = 16
CODE_MAC_LENGTH = 4
CODE_ID_LENGTH = 4
#: typed characters Crockford's base 32 reads as others
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})
#: the QR image's content id in the confirmation email
QR_CONTENT_ID = "checkin-qr"


def encode32(number: int, length: int = 1) -> str:
    """`number` in Crockford's base 32, left-padded with zeros to `length`
    (the door codes use it too)."""
    digits = []
    while number:
        number, rest = divmod(number, 32)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits)).rjust(length, "0")


def decode32(text: str) -> int | None:
    """The number `text` spells in Crockford's base 32, or None."""
    number = 0
    for char in text:
        value = ALPHABET.find(char)
        if value < 0:
            return None
        number = number * 32 + value
    return number


def _mac(purpose: str, booking_id: int, length: int) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, b"cupo.checkin." + purpose.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, str(booking_id).encode(), hashlib.sha256).digest()
    return encode32(int.from_bytes(digest[:10], "big"), 16)[-length:]


def qr_token(booking_id: int) -> str:
    return f"{PREFIX}{encode32(booking_id)}-{_mac('qr', booking_id, QR_MAC_LENGTH)}"


def short_code(booking_id: int) -> str:
    """`ABCD-EFGH`: the id, then the check characters."""
    ident = encode32(booking_id, CODE_ID_LENGTH)
    return f"{ident}-{_mac('code', booking_id, CODE_MAC_LENGTH)}"


def read(text: str) -> tuple[int, bool] | None:
    """(booking id, True if it was the QR token) for a genuine code, else None."""
    text = "".join(text.split()).upper()[:64]
    if not text.isascii():  # compare_digest refuses non-ASCII str; no code has any
        return None
    if text.startswith(PREFIX):
        ident, _, mac = text[len(PREFIX) :].partition("-")
        booking_id = decode32(ident) if ident else None
        if booking_id and hmac.compare_digest(mac, _mac("qr", booking_id, QR_MAC_LENGTH)):
            return booking_id, True
        return None
    text = text.replace("-", "").translate(_TYPOS)
    ident, mac = text[:-CODE_MAC_LENGTH], text[-CODE_MAC_LENGTH:]
    booking_id = decode32(ident) if len(ident) >= CODE_ID_LENGTH else None
    if booking_id and hmac.compare_digest(mac, _mac("code", booking_id, CODE_MAC_LENGTH)):
        return booking_id, False
    return None


def qr_png(booking_id: int, *, box_size: int = 10) -> bytes:
    """The booking's QR code: black on white with the standard quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(qr_token(booking_id))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def checkin_extras(template: str, *, context: dict) -> tuple[dict, list]:
    """The confirmation email's short code for the text, and the QR image
    shown inline in the HTML (an `email_extras` receiver)."""
    booking_id = context.get("booking_id")
    if booking_id is None:  # confirmations queued before check-in existed
        return {}, []
    image = (QR_CONTENT_ID, "checkin.png", "image/png", qr_png(booking_id, box_size=8))
    return {"checkin_code": short_code(booking_id), "qr_cid": QR_CONTENT_ID}, [image]
