"""Password hashing (argon2id), which passwords are refused, temporary
passwords and reset tokens."""

import hashlib
import hmac
import re
import secrets
import string
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MIN_LENGTH = 10
MAX_LENGTH = 128
_ALPHABET = string.ascii_letters + string.digits
_RESET_SALT = "cupo.password-reset"


#: the most common passwords of MIN_LENGTH characters or more, lower-cased,
#: one a line: those of Django's CommonPasswordValidator list (Royce
#: Williams' list of leaked passwords, BSD licence) that are long enough to
#: pass the length rule, plus a few common in Spanish
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()) - {""}


def _plain(text: str) -> str:
    """Lower-cased, without spaces and without trailing digits or signs, so
    "Ana Lopez 2024!" and "ana.lopez@example.com" compare with what they hold."""
    return re.sub(r"[\W\d_]+$", "", re.sub(r"\s+", "", text.lower()))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` is refused for the account with `email` and `name`, or
    None when it may be used. Length is the form's check; this one refuses
    the account's own email, the email's local part, its name, and the most
    common passwords."""
    lowered = password.lower()
    plain = _plain(password)
    email = email.lower()
    own = {email, email.partition("@")[0], name.lower(), "".join(name.lower().split())}
    own = {value for value in own | {_plain(value) for value in own} if value}
    if lowered in own or plain in own:
        return _("Choose a password that is not your email or your name.")
    if lowered in common_passwords() or plain in common_passwords():
        return _("This password is too common. Choose one that is harder to guess.")
    return None


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"]
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _hasher().hash(password)  # spend the same time as a real check
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def temporary_password() -> str:
    """Twelve letters and digits, grouped for reading aloud: abcd-efgh-jkmn."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def _session_proof(user) -> str:
    """An opaque stand-in for the user's session token: an HMAC of it under
    the app's secret, from which the token itself cannot be read back."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{_RESET_SALT}:{user.id}:{user.session_token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def reset_token(user) -> str:
    """A signed token naming the user and an opaque proof of their current
    session token (never the token itself).

    Resetting the password replaces the session token, so a token works once.
    """
    return _serializer().dumps({"uid": user.id, "v": _session_proof(user)})


def reset_token_matches(user, payload: dict) -> bool:
    """True when the token was made for the user's current session token."""
    proof = payload.get("v")
    return isinstance(proof, str) and hmac.compare_digest(
        proof.encode(), _session_proof(user).encode()
    )


def read_reset_token(token: str) -> dict | None:
    """The token's payload, or None when it is forged, mangled or expired."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    return payload if isinstance(payload, dict) else None
