"""Password hashing (argon2id), temporary passwords and reset tokens."""

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MIN_LENGTH = 10
MAX_LENGTH = 128
_ALPHABET = string.ascii_letters + string.digits
_RESET_SALT = "cupo.password-reset"


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


def reset_token(user) -> str:
    """A signed token naming the user and their current session token.

    Resetting the password replaces the session token, so a token works once.
    """
    return _serializer().dumps({"uid": user.id, "st": user.session_token})


def read_reset_token(token: str) -> dict | None:
    """The token's payload, or None when it is forged, mangled or expired."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    return payload if isinstance(payload, dict) else None
