"""Kiosk mode: a desk browser locked to the scanner until staff sign it out.

The flag itself lives in the signed session cookie (the views set and clear
it); these functions check who may do it and leave a trace in the audit log.
"""

from flask_babel import gettext as _

from app.accounts import passwords
from app.core import audit
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.permissions import DESK, require_role


class KioskError(DomainError):
    """Leaving kiosk mode was refused."""


def start_kiosk(*, actor) -> None:
    """Record that `actor` turned this browser into a kiosk."""
    require_role(actor, *DESK)
    with transaction():
        audit.record("kiosk.started", actor, actor=actor)


def end_kiosk(password: str, *, actor) -> None:
    """Let the kiosk go when `password` is the signed-in staff account's own.

    Raises KioskError (on the password field) for a wrong password.
    """
    require_role(actor, *DESK)
    if not passwords.check_password(actor.password_hash, password or ""):
        raise KioskError(_("That password is not correct."), field="password")
    with transaction():
        audit.record("kiosk.ended", actor, actor=actor)
