"""The two families of refusal a service or loader raises.

`DomainError` is a business rule the user can act on: its message becomes a
form error or a flash. `AccessDenied` is not something the user can fix: one
error handler (`app.core.errors_views`) turns it into the error page, and the
JSON API into problem+json, from the status it carries.
"""

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A business rule refused the operation; `str(exc)` is shown to the user.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class AccessDenied(Exception):
    """The acting user may not do this: answered 403 wherever it is raised."""

    status = 403
    default_message = _l("You are not allowed to do this.")

    def __init__(self, message: str | None = None):
        self.message = message or str(self.default_message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


class NotYours(AccessDenied):
    """Someone else's record, or none at all: answered 404 so its existence
    is not revealed."""

    status = 404
