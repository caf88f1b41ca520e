"""The notifications domain's operations: emails (`emails`), notifying a
person on their channels (`notify`) and their choices (`preferences`)."""

from app.notifications.services.emails import (
    SUBJECTS,
    deliver_email,
    email_by_key,
    new_key,
    queue_email,
    record_email,
    render_email,
)

__all__ = [
    "SUBJECTS",
    "deliver_email",
    "email_by_key",
    "new_key",
    "queue_email",
    "record_email",
    "render_email",
]
