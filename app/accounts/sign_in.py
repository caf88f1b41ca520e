"""Who is signed in on each request: loading the user from the session
cookie, and sending a user who must change their password to that page.

`init_app` calls `register_session_hooks`, which plugs both into the app."""

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.models import User
from app.core.inputs import parse_id
from app.extensions import db, login_manager

#: endpoints a user who must change their password may still open
_OPEN_WHILE_CHANGING = {
    "accounts.change_password",
    "accounts.logout",
    "accounts.set_language",
    "static",
    "health.healthz",
    "health.version",
}


def load_user(user_id: str) -> User | None:
    """Load from "id:session_token"; a rotated token signs the cookie out."""
    raw_id, _, token = user_id.partition(":")
    if (user_id_number := parse_id(raw_id)) is None or not token:
        return None
    user = db.session.get(User, user_id_number)
    if user is None or user.session_token != token or not user.is_active:
        return None
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
