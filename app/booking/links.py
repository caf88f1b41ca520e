"""The signed "Can't make it?" link of reminder and change emails.

The token names one booking under an itsdangerous signature (the app's
secret, its own salt), so it cannot be made up or altered. It carries no
expiry of its own: it works until the booking's class starts, read from the
class at the moment it is used, so a class moved later keeps its link
working and one moved earlier ends it sooner. It is single use through the
booking itself: a cancelled booking is never revived (booking the class
again writes a new row), so a used link finds its booking cancelled.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.core.urls import external_url

SALT = "cupo.booking.cancel-link"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def cancel_token(booking_id: int) -> str:
    return _serializer().dumps(booking_id)


def read_cancel_token(token: str) -> int | None:
    """The booking id `token` was made for, or None when it was altered."""
    try:
        booking_id = _serializer().loads(token[:200])
    except BadSignature:
        return None
    return booking_id if isinstance(booking_id, int) and not isinstance(booking_id, bool) else None


def cancel_url(booking_id: int) -> str:
    """The absolute "Can't make it?" address for an email."""
    return external_url("booking_link.cant_make_it", token=cancel_token(booking_id))
