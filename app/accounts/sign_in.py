"""Who is signed in on each request: loading the user from the session
cookie, and sending a user who must change their password to that page.

Every sign-in gets its own random id, written with the user's id and
session token into the session and the remember-me cookie
("id:session_token:sign_in_id"). Signing out records the id as ended, so
that sign-in's cookies stop working while the member's other devices stay
in; rotating the session token ("sign out everywhere", a new password) ends
them all. An id carries its start time and is refused once older than the
remember-me duration, which is also how long ended ids are kept.

`init_app` calls `register_session_hooks`, which plugs both into the app."""

import re
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app.accounts.models import EndedSignIn, User
from app.core.inputs import parse_id
from app.core.models import utc_now
from app.extensions import db, login_manager

_SIGN_IN_ID = re.compile(r"([0-9]{1,12})\.[A-Za-z0-9_-]{16,40}")
#: endpoints a user who must change their password may still open
_OPEN_WHILE_CHANGING = {
    "accounts.change_password",
    "accounts.logout",
    "accounts.set_language",
    "static",
    "health.healthz",
    "health.version",
}


def sign_in_lifetime() -> timedelta:
    """How long one sign-in lasts at most: the remember-me cookie's life."""
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def new_sign_in_id() -> str:
    """A fresh, unguessable sign-in id that carries its start time."""
    return f"{int(utc_now().timestamp())}.{secrets.token_urlsafe(18)}"


def _started_at(sign_in_id: str) -> datetime | None:
    match = _SIGN_IN_ID.fullmatch(sign_in_id)
    if match is None:
        return None
    return datetime.fromtimestamp(int(match.group(1)), UTC)


def start_sign_in(user: User, *, remember: bool = False) -> None:
    """Sign `user` in on this browser under a new sign-in id."""
    user.sign_in_id = new_sign_in_id()
    login_user(user, remember=remember)


def current_sign_in_id() -> str | None:
    """The id of the sign-in this request belongs to, if any."""
    if not current_user.is_authenticated:
        return None
    return current_user.sign_in_id


#: a browser the user has signed in from before; the per-email sign-in
#: limit (which anyone who knows the email can exhaust) does not lock it out
DEVICE_COOKIE = "cupo_device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="cupo.known-device")


def remember_device(response, user: User) -> None:
    """Mark this browser, on `response`, as one `user` has signed in from."""
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps({"uid": user.id}),
        max_age=DEVICE_MAX_AGE,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
    )


def known_device_user_id() -> int | None:
    """The id of the user this browser signed in as before (a valid, signed
    device cookie), or None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        payload = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:  # SignatureExpired included
        return None
    uid = payload.get("uid") if isinstance(payload, dict) else None
    return uid if isinstance(uid, int) else None


def load_user(user_id: str) -> User | None:
    """Load from "id:session_token:sign_in_id" (session or remember-me cookie).

    A rotated session token, an ended or too old sign-in, or an inactive
    account signs the cookie out.
    """
    raw_id, token, sign_in_id = (user_id.split(":") + ["", ""])[:3]
    number = parse_id(raw_id)
    if number is None or not token or user_id.count(":") != 2:
        return None
    started = _started_at(sign_in_id)
    if started is None or started < utc_now() - sign_in_lifetime():
        return None
    row = db.session.execute(
        select(User, EndedSignIn.id)
        .outerjoin(EndedSignIn, EndedSignIn.id == sign_in_id)
        .where(User.id == number)
    ).first()
    if row is None or row[1] is not None:
        return None
    user = row[0]
    if user.session_token != token or not user.is_active:
        return None
    user.sign_in_id = sign_in_id
    return user


def register_session_hooks(app) -> None:
    """The user loader, the sign-in page and its message, and the forced
    password change before every request."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.before_request
    def require_new_password():
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in _OPEN_WHILE_CHANGING
        ):
            return redirect(url_for("accounts.change_password"))
        return None
