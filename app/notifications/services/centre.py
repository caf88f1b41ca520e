"""The notification centre's operations: opening an item, marking all read,
and the nightly purge of old read items.

Marking read is `notify.mark_read`'s; this module adds what the bell's pages
need around it.
"""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from app.core.db import transaction
from app.core.errors import NotYours
from app.core.models import utc_now
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services.notify import mark_read

#: read items older than this are deleted by the nightly purge
KEEP_READ_DAYS = 90
#: rows deleted per transaction by the purge, so no lock is held for long
PURGE_BATCH = 1000

#: whitespace and control characters: browsers drop some of them from a URL
#: ("/\t/evil.example" is "//evil.example" to them), so a link with any is refused
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def open_notification(user_id: int, notification_id: int) -> str | None:
    """Mark the person's notification read and return where it leads: its
    link when that is a path inside the app, else None (the caller shows the
    list).

    Raises NotYours (404) for an id that is not the person's, so another
    person's notification looks missing. Queues nothing.
    """
    row = db.session.execute(
        select(Notification.id, Notification.link).where(
            Notification.id == notification_id, Notification.user_id == user_id
        )
    ).first()
    if row is None:
        raise NotYours()
    mark_read(user_id, notification_id)
    return local_path(row.link)


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the person read; return how many
    changed. Queues nothing."""
    return mark_read(user_id)


def local_path(link: str | None) -> str | None:
    """`link` when it is a path on this site ("/app/bookings"), else None:
    never a way to send someone elsewhere (an absolute or scheme-relative
    URL, a backslash or a control character a browser would drop)."""
    if not link or not link.startswith("/") or link.startswith("//") or _UNSAFE.search(link):
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    return link


def purge_read(older_than_days: int = KEEP_READ_DAYS, now: datetime | None = None) -> int:
    """Delete read notifications made more than `older_than_days` ago, in
    batches of PURGE_BATCH (one transaction each); unread ones stay whatever
    their age. Returns how many were deleted. Queues nothing."""
    cutoff = (now or utc_now()) - timedelta(days=older_than_days)
    deleted = 0
    while True:
        with transaction():
            batch = (
                select(Notification.id)
                .where(Notification.created_at < cutoff, Notification.read_at.is_not(None))
                .order_by(Notification.id)
                .limit(PURGE_BATCH)
            )
            ids = list(db.session.scalars(batch))
            if ids:
                db.session.execute(delete(Notification).where(Notification.id.in_(ids)))
        deleted += len(ids)
        if len(ids) < PURGE_BATCH:
            return deleted
