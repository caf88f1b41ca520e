"""Creating the first admin of a real install, from the command line."""

from flask_babel import gettext as _

from app.accounts import passwords
from app.accounts.models import Role, User
from app.accounts.services import AccountError, _check_email_free, normalize_email
from app.core import audit
from app.core.db import transaction
from app.extensions import db


def create_admin(*, email: str, name: str, password: str) -> User:
    """An active admin with the given password. Raises AccountError."""
    email = normalize_email(email)
    if "@" not in email or not name.strip():
        raise AccountError(_("Enter a valid email address."))
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise AccountError(
            _(
                "Use between %(min)d and %(max)d characters.",
                min=passwords.MIN_LENGTH,
                max=passwords.MAX_LENGTH,
            )
        )
    with transaction():
        _check_email_free(email)
        user = User(
            email=email,
            name=name.strip(),
            role=Role.ADMIN,
            password_hash=passwords.hash_password(password),
        )
        db.session.add(user)
        db.session.flush()
        audit.record("user.created", user, actor=None, after={"email": email, "role": "admin"})
    return user
