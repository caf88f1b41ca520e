"""Rate limits: one default on every request that changes something, tighter ones by name.

Every POST, PUT, PATCH and DELETE counts against `RATELIMIT_DEFAULT_POST`
(per route), keyed on the signed-in user, or on the IP address before sign-in;
reads are never limited by it. A route where a burst costs more (an upload,
an order, an email sent, a guessed password) names a tighter limit from the
config with `write_limit`, which replaces the default on that route (the
check-in scanner names a looser one: a door at rush hour). Counters
live in RATELIMIT_STORAGE_URI: Redis in production (`create_app` refuses
memory there, since each worker would count on its own).
"""

from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

#: the methods that change something; the default limit and `write_limit` count these
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def ip_address() -> str:
    """Requests counted by the address they come from."""
    return f"ip:{get_remote_address()}"


def user_or_ip() -> str:
    """Whose requests are counted together: the signed-in user, else the IP address."""
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return ip_address()


def is_read() -> bool:
    """True for GET, HEAD and OPTIONS: the default limit leaves them alone."""
    return request.method not in WRITE_METHODS


def configured(setting: str) -> Callable[[], str]:
    """The limit named by config `setting`, read at each request (tests may change it)."""
    return lambda: current_app.config[setting]


def write_limit(
    setting: str,
    *,
    scope: str | None = None,
    key_func: Callable[[], str] = user_or_ip,
    deduct_when: Callable | None = None,
):
    """A decorator: the limit config `setting` names, on the route's writes.

    With `scope`, every route decorated with that scope shares one counter
    (all uploads, say). `deduct_when(response)` counts only the requests it
    accepts (failures, say); while the limit is reached every write is
    refused with 429.
    """
    from app.extensions import limiter

    options = {"key_func": key_func, "methods": list(WRITE_METHODS), "deduct_when": deduct_when}
    if scope:
        return limiter.shared_limit(configured(setting), scope=scope, **options)
    return limiter.limit(configured(setting), **options)


def failed(response) -> bool:
    """For `deduct_when`: the form came back (not a redirect after success)."""
    return response.status_code < 300 or response.status_code >= 400


def upload_limit():
    """A decorator for every route that takes a file: they share one counter per user."""
    return write_limit("UPLOAD_LIMIT", scope="uploads")
