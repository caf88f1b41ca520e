"""Messaging: threads between a member and a trainer, with attachments,
polling, reports and the staff's reported-messages queue."""


def init_app(app) -> None:
    """Its tables."""
    from app.messaging import models  # noqa: F401  (its tables)
