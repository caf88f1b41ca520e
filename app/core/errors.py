"""The one error type services raise for a rule that said no."""


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
