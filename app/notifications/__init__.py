"""Notifications: emails rendered in the recipient's language, sent by jobs."""


def init_app(app) -> None:
    """Its table, and the job that delivers an email."""
    from app.core.jobs import register_job
    from app.notifications import models  # noqa: F401  (its tables)

    register_job(app, "notifications.deliver_email", "app.notifications.services:deliver_email")
