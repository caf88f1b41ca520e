"""The ways a notification reaches a person, one small class each.

In-app is the notification row itself (`InApp.record`); email and push are
delivered by the `notifications.deliver` job after the caller's commit. A
new channel (SMS) is one more class here and one more name in
`events.CHANNELS`.
"""

from flask import current_app
from itsdangerous import URLSafeSerializer

from app.core.db import transaction
from app.core.urls import external_url
from app.extensions import db
from app.notifications.events import EMAIL, PUSH, Event
from app.notifications.models import Notification
from app.notifications.services.emails import deliver_email, email_by_key, record_email


class InApp:
    """The notification centre: the row is written in the caller's transaction."""

    name = "in_app"

    @staticmethod
    def record(user_id: int, event: Event, params: dict, link, key, group) -> Notification:
        row = Notification(
            user_id=user_id, event=event.name, params=params, link=link, key=key, group=group
        )
        db.session.add(row)
        db.session.flush()
        return row


def unsubscribe_token(user_id: int, event: str) -> str:
    return URLSafeSerializer(current_app.secret_key, salt="unsubscribe").dumps([user_id, event])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, event) the token was made for, or None when it was altered."""
    try:
        user_id, event = URLSafeSerializer(current_app.secret_key, salt="unsubscribe").loads(token)
    except Exception:
        return None
    return (user_id, event) if isinstance(user_id, int) and isinstance(event, str) else None


def absolute(path: str | None) -> str | None:
    if not path:
        return None
    return current_app.config["BASE_URL"].rstrip("/") + path


class Email:
    """One email per notification, recorded under its own key so a job run
    twice finds it (and the Sent emails page lists it)."""

    name = EMAIL

    def deliver(self, notification: Notification, event: Event) -> None:
        key = f"notification-{notification.id}"
        email = email_by_key(key)
        if email is None:
            user = notification.user
            if user is None or not user.email or not user.is_active:
                return
            context = dict(notification.params, name=user.name, link=absolute(notification.link))
            if EMAIL not in event.locked:
                token = unsubscribe_token(user.id, event.name)
                context["unsubscribe_url"] = external_url(
                    "notifications_public.unsubscribe", token=token
                )
            with transaction():
                email = record_email(user, event.email, context, key=key)
        deliver_email(email.id)


class Push:
    """A Web Push message to each of the person's devices."""

    name = PUSH

    def deliver(self, notification: Notification, event: Event) -> None:
        from app.notifications.push import push_notification

        push_notification(notification, event)


BY_NAME = {channel.name: channel for channel in (Email(), Push())}
