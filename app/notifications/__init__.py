"""Notifications: what a person is told, on the channels they chose.

Domains call `signals.tell`; the receiver connected here records the
notification and its deliveries (`services.notify`). Emails are rendered in
the recipient's language and sent by jobs.
"""


def init_app(app) -> None:
    """Its tables, its jobs, and the receivers of the domains' news."""
    from app.core import signals
    from app.core.jobs import register_job
    from app.notifications import models  # noqa: F401  (its tables)
    from app.notifications.services.notify import mark_group_read, receive_news

    register_job(app, "notifications.deliver_email", "app.notifications.services:deliver_email")
    register_job(app, "notifications.deliver", "app.notifications.services.notify:deliver")
    signals.news.connect(receive_news)
    signals.news_seen.connect(mark_group_read)
