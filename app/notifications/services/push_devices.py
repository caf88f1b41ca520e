"""A person's devices that take Web Push: one row per browser endpoint.

The page's script (static/js/push.js) sends what the browser's
`pushManager.subscribe` returned; removing is the person's own, from the
device list on their "Notifications" page.
"""

import base64
import binascii
import re
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core import audit
from app.core.db import transaction
from app.core.errors import DomainError, NotYours
from app.extensions import db
from app.notifications.models import PushSubscription

#: devices kept per person; a new one beyond replaces the longest unused
MAX_DEVICES = 10


class PushDeviceError(DomainError):
    """What a browser sent is not a push subscription."""


def devices_of(user_id: int) -> list[PushSubscription]:
    """The person's devices, newest first. Writes nothing."""
    return list(
        db.session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user_id)
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
        )
    )


def subscribe(user, endpoint, p256dh, auth, user_agent: str = "") -> PushSubscription:
    """Keep the browser's subscription for `user` and return it.

    The same endpoint again (the same browser) updates its keys and owner
    (another person signed in on that phone) rather than adding a row.
    Raises PushDeviceError for an endpoint or keys a browser would not send.
    Records an audit entry for a new device; queues nothing.
    """
    endpoint = _endpoint(endpoint)
    p256dh = _key(p256dh, 65, b"\x04")
    auth = _key(auth, 16)
    try:
        return _keep(user, endpoint, p256dh, auth, device_label(user_agent))
    except IntegrityError:  # the same browser sent it twice at once: the other row won
        return _keep(user, endpoint, p256dh, auth, device_label(user_agent))


def _keep(user, endpoint: str, p256dh: str, auth: str, label: str) -> PushSubscription:
    with transaction():
        device = db.session.scalar(
            select(PushSubscription).where(PushSubscription.endpoint == endpoint).with_for_update()
        )
        user_id = user.id  # read before the new row is pending: it may load the user
        new = device is None or device.user_id != user_id
        if device is None:
            device = PushSubscription(endpoint=endpoint)
            db.session.add(device)
        device.user_id, device.p256dh, device.auth, device.label = user_id, p256dh, auth, label
        db.session.flush()
        if new:
            _keep_the_newest(user_id)
            audit.record(
                "notifications.push_device_added",
                device,
                actor=user,
                after={"label": device.label},
            )
    return device


def remove(user, device_id: int) -> None:
    """Delete one of the person's own devices.

    Raises NotYours (404) for another person's device or none. Records an
    audit entry; queues nothing.
    """
    with transaction():
        device = db.session.get(PushSubscription, device_id)
        if device is None or device.user_id != user.id:
            raise NotYours()
        audit.record(
            "notifications.push_device_removed", device, actor=user, before={"label": device.label}
        )
        db.session.delete(device)


def _keep_the_newest(user_id: int) -> None:
    stale = db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.user_id == user_id)
        .order_by(
            PushSubscription.last_used_at.desc().nulls_last(),
            PushSubscription.created_at.desc(),
            PushSubscription.id.desc(),
        )
        .offset(MAX_DEVICES)
    ).all()
    for device in stale:
        db.session.delete(device)


def _endpoint(value) -> str:
    """A push service's URL: https (http only where any host is allowed, as
    in development), on one of PUSH_SERVICE_HOSTS when that is set."""
    refused = PushDeviceError(_("This browser sent a push address we cannot use."))
    if not isinstance(value, str) or not 10 <= len(value) <= 1000:
        raise refused
    parts = urlsplit(value)
    hosts = current_app.config.get("PUSH_SERVICE_HOSTS")
    schemes = {"https"} if hosts else {"https", "http"}
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        raise refused
    if hosts and not any(
        parts.hostname == host or parts.hostname.endswith("." + host) for host in hosts
    ):
        raise refused
    return value


def _key(value, size: int, prefix: bytes = b"") -> str:
    """A base64url key of `size` bytes, kept without padding."""
    refused = PushDeviceError(_("This browser sent push keys we cannot use."))
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", value):
        raise refused
    value = value.rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise refused from None
    if len(raw) != size or not raw.startswith(prefix):
        raise refused
    return value


_BROWSERS = (
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|OPT/"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/"),
    ("Safari", r"Safari/"),
)
_SYSTEMS = (
    ("Android", r"Android"),
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Windows", r"Windows"),
    ("ChromeOS", r"CrOS"),
    ("macOS", r"Macintosh|Mac OS X"),
    ("Linux", r"Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Chrome · Android": what the device list calls a browser (in no
    language: the names are the products')."""
    agent = user_agent or ""
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, agent)), "")
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, agent)), "")
    return " · ".join(part for part in (browser, system) if part)[:120]
