"""Web Push delivery (VAPID): sending to a person's devices.

The `notifications.deliver` job calls `push_notification` for the push
channel. Each of the person's devices (`PushSubscription`) gets the message,
encrypted for it (aes128gcm) and signed with the gym's VAPID key; the push
service keeps it for the event's `push_ttl`. The payload is JSON that the
service workers show (templates/notifications/push/_worker.js):
{title, body, url, tag}, in the person's language.

A device the push service no longer knows (404, 410) is deleted. Any other
failure (a 5xx, a 429, no answer) is raised after every device was tried, so
the job is retried; a device that already had it gets it again with the
same `tag`, which replaces the earlier one on the device instead of adding a
second.
"""

import json
import logging

import requests
from flask import current_app
from flask_babel import force_locale
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select, update

from app.core.db import transaction
from app.core.i18n import language_of
from app.core.models import utc_now
from app.extensions import db
from app.notifications.models import PushSubscription
from app.settings.services import gym_settings

log = logging.getLogger(__name__)

#: the push service's answers that say the subscription is gone for good
GONE = {404, 410}
#: seconds to wait for a push service
TIMEOUT = 10


class PushFailed(RuntimeError):
    """Some devices could not be reached for now; the job retries them."""


def payload(notification, event) -> dict:
    """What the service worker shows, in the person's language."""
    user = notification.user
    gym = gym_settings()
    with force_locale(language_of(user)):
        title = event.describe(notification.params or {})
    return {
        "title": title,
        "body": gym.gym_name,
        "url": notification.link,
        # a second message of one thread replaces the first on the device
        "tag": notification.group or f"notification-{notification.id}",
    }


def push_notification(notification, event) -> None:
    """Send `notification` to each of its person's devices.

    Deletes the devices the push service says are gone (404/410) and stamps
    `last_used_at` on the others that took it. Raises PushFailed when some
    device failed otherwise (after trying them all), so the job retries.
    """
    devices = db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.user_id == notification.user_id)
        .order_by(PushSubscription.id)
    ).all()
    if not devices:
        return
    data = json.dumps(payload(notification, event), separators=(",", ":"))
    config = current_app.config
    vapid = Vapid.from_string(config["VAPID_PRIVATE_KEY"])
    sent, gone, failed = [], [], []
    with requests.Session() as session:
        for device in devices:
            outcome = _send(session, device, data, vapid, config["VAPID_SUBJECT"], event.push_ttl)
            {"sent": sent, "gone": gone}.get(outcome, failed).append(device.id)
            if outcome not in ("sent", "gone"):
                log.warning("push to device %s failed: %s", device.id, outcome)
    with transaction():
        if gone:
            db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        if sent:
            db.session.execute(
                update(PushSubscription)
                .where(PushSubscription.id.in_(sent))
                .values(last_used_at=utc_now())
            )
    if failed:
        raise PushFailed(
            f"notification {notification.id}: {len(failed)} of {len(devices)} devices failed"
        )


def _send(session, device: PushSubscription, data: str, vapid, subject: str, ttl: int) -> str:
    """ "sent", "gone", or why it failed."""
    subscription = {
        "endpoint": device.endpoint,
        "keys": {"p256dh": device.p256dh, "auth": device.auth},
    }
    try:
        webpush(
            subscription,
            data=data,
            vapid_private_key=vapid,
            vapid_claims={"sub": subject},  # aud and exp are added per endpoint
            ttl=ttl,
            timeout=TIMEOUT,
            requests_session=session,
            headers={"Urgency": "high" if ttl <= 300 else "normal"},
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in GONE:
            return "gone"
        return f"status {status}"
    except requests.RequestException as exc:  # no answer: try again later
        return repr(exc)
    except ValueError:  # keys no browser made: it can never be sent to
        log.warning("push device %s has unusable keys: deleted", device.id)
        return "gone"
    return "sent"
