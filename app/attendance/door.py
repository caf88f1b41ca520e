"""The door code: the QR a kiosk or a room's display shows for members to
check themselves in with the app's camera.

`CUPO-DOOR-<location>-<window>-<16 characters of HMAC>`, where the location
is `GYM` (the desk's kiosk: any class) or `R<room id>` (a room's display:
that room's classes), and the window counts 30-second steps since the Unix
epoch, in Crockford's base 32 like the booking codes (app/attendance/tokens.py).
The HMAC is under a key derived from the app's secret for this purpose alone,
so a door code is never a booking code and cannot be made up or moved to
another place or time.

The screen shows a new code every window. A code is accepted in its own
window and the next one (a member who read it as it rotated still gets in),
and one window early (clocks a little apart); anything older has expired: a
photo of the screen stops working within a minute. Only QR alphanumeric
characters are used, so the code stays small and scans across a room.
"""

import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import datetime

import qrcode
from flask import current_app
from qrcode.constants import ERROR_CORRECT_M

from app.attendance.tokens import decode32, encode32

PREFIX = "CUPO-DOOR-"
#: seconds each code is shown for
WINDOW_SECONDS = 30
#: windows before the current one whose codes still work
GRACE_WINDOWS = 1
#: windows ahead accepted, for a screen whose clock runs a little fast
SKEW_WINDOWS = 1
MAC_LENGTH = 16
#: the whole gym: the desk's kiosk
GYM = "GYM"


@dataclass(frozen=True)
class DoorCode:
    """A genuine door code: where it was shown and in which window."""

    location: str
    window: int

    @property
    def room_id(self) -> int | None:
        """The room a room display names; None for the whole gym."""
        return int(self.location[1:]) if self.location.startswith("R") else None

    def is_current(self, now: datetime) -> bool:
        """Whether it still works at `now` (its window, the next, or one early)."""
        current = window_at(now)
        return current - GRACE_WINDOWS <= self.window <= current + SKEW_WINDOWS


def room_location(room_id: int) -> str:
    return f"R{room_id}"


def window_at(instant: datetime) -> int:
    return int(instant.timestamp()) // WINDOW_SECONDS


def seconds_left(now: datetime) -> float:
    """Until the screen should show the next code."""
    return WINDOW_SECONDS - now.timestamp() % WINDOW_SECONDS


def _mac(location: str, window: int) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, b"cupo.door", hashlib.sha256).digest()
    digest = hmac.new(key, f"{location}-{window}".encode(), hashlib.sha256).digest()
    return encode32(int.from_bytes(digest[:10], "big"), MAC_LENGTH)[-MAC_LENGTH:]


def _valid_location(location: str) -> bool:
    if location == GYM:
        return True
    digits = location[1:]
    return location.startswith("R") and digits.isdigit() and digits.isascii() and len(digits) < 10


def door_token(location: str, now: datetime) -> str:
    """The code a screen at `location` shows at `now`."""
    window = window_at(now)
    return f"{PREFIX}{location}-{encode32(window)}-{_mac(location, window)}"


def looks_like_door_code(text: str) -> bool:
    """Whether the text starts like a door code (genuine or not)."""
    return "".join(text.split()).upper().startswith(PREFIX)


def read(text: str) -> DoorCode | None:
    """The door code `text` is, whatever its window; None unless genuine."""
    text = "".join(text.split()).upper()[:64]
    if not text.isascii() or not text.startswith(PREFIX):
        return None
    location, _, rest = text[len(PREFIX) :].partition("-")
    encoded, _, mac = rest.partition("-")
    window = decode32(encoded) if encoded else None
    if not _valid_location(location) or window is None:
        return None
    if not hmac.compare_digest(mac, _mac(location, window)):
        return None
    return DoorCode(location, window)


def qr_png(location: str, now: datetime, *, box_size: int = 12) -> bytes:
    """The door code at `now` as a QR image: black on white, standard quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(door_token(location, now))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
