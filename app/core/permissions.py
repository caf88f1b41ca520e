"""Who may do what, in one place.

Views stack `@roles_required(...)` for role checks; loaders use
`get_or_404` and `ensure` for object-level checks, which answer 404 for
someone else's record so its existence is not revealed.
"""

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import Role
from app.core.errors import DomainError
from app.extensions import db

ADMIN = (Role.ADMIN,)
DESK = (Role.ADMIN, Role.FRONT_DESK)
STAFF = (Role.ADMIN, Role.FRONT_DESK, Role.TRAINER)
TRAINERS = (Role.ADMIN, Role.TRAINER)
MEMBERS = (Role.MEMBER,)


def roles_required(*roles: Role):
    """Signed-in users with one of `roles` pass; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


class PermissionDenied(DomainError):
    """The acting user's role may not do this (a service's own check)."""

    def __init__(self, message: str | None = None, **kwargs):
        super().__init__(message or _("You are not allowed to do this."), **kwargs)


def require_role(actor, *roles: Role) -> None:
    """Services call this so a rule holds whichever view or job calls them.

    Raises PermissionDenied unless `actor` has one of `roles`.
    """
    if actor is None or getattr(actor, "role", None) not in roles:
        raise PermissionDenied()


def get_or_404(model, object_id, *, include_deleted: bool = False):
    """The row with this id, or 404; soft-deleted rows count as missing."""
    obj = db.session.get(model, object_id)
    if obj is None or (not include_deleted and getattr(obj, "deleted_at", None) is not None):
        abort(404)
    return obj


def ensure(allowed: bool) -> None:
    """Abort 404 unless `allowed`: another person's record looks missing."""
    if not allowed:
        abort(404)


def owns(user, obj, attribute: str = "user_id") -> bool:
    """True when `obj` belongs to `user`, or the user is an admin."""
    return user.role is Role.ADMIN or getattr(obj, attribute, None) == user.id
