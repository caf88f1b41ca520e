"""Who may do what, in one place.

Views stack `@roles_required(...)` for role checks; services call
`require_role`; loaders use `get_or_404` and `ensure` for object-level
checks, which raise `NotYours` (404) for someone else's record so its
existence is not revealed. All of them raise the `AccessDenied` family,
which one error handler turns into the error page.
"""

from functools import wraps

from flask_login import current_user, login_required

from app.core.errors import AccessDenied, NotYours
from app.core.roles import Role
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
                raise AccessDenied()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_role(actor, *roles: Role) -> None:
    """Services call this so a rule holds whichever view or job calls them.

    Raises AccessDenied unless `actor` has one of `roles`.
    """
    if actor is None or getattr(actor, "role", None) not in roles:
        raise AccessDenied()


def get_or_404(model, object_id, *, include_deleted: bool = False):
    """The row with this id; raises NotYours (404) when there is none, and
    soft-deleted rows count as missing."""
    obj = db.session.get(model, object_id)
    if obj is None or (not include_deleted and getattr(obj, "deleted_at", None) is not None):
        raise NotYours()
    return obj


def ensure(allowed: bool) -> None:
    """Raise NotYours (404) unless `allowed`: another person's record looks missing."""
    if not allowed:
        raise NotYours()


def owns(user, obj, attribute: str = "user_id") -> bool:
    """True when `obj` belongs to `user`, or the user is an admin."""
    return user.role is Role.ADMIN or getattr(obj, attribute, None) == user.id
