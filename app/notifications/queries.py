"""Reads of the sent-emails pages and of each person's notification centre."""

from sqlalchemy import func, select

from app.core.inputs import page_number
from app.core.search import contains
from app.extensions import db
from app.notifications.models import EmailStatus, Notification, SentEmail

PER_PAGE = 30
#: notifications on one page of the centre
CENTRE_PER_PAGE = 20
#: the bell counts unread items up to this many ("99+" past it), so the
#: count costs the same for a person with thousands
UNREAD_CAP = 100


def sent_emails(status: str, to: str, page: int):
    """One page of sent emails, newest first; `status` an EmailStatus value
    ("" or anything else for all), `to` a part of the recipient's address."""
    query = select(SentEmail).order_by(SentEmail.id.desc())
    if status in {s.value for s in EmailStatus}:
        query = query.where(SentEmail.status == EmailStatus(status))
    if to:
        query = query.where(contains(SentEmail.to, to))
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def unread_count(user_id: int, cap: int = UNREAD_CAP) -> int:
    """How many of the person's notifications are unread, counted up to `cap`:
    one statement on the (user_id, read_at) index."""
    unread = (
        select(Notification.id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .limit(cap)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(unread))


def notifications_of(user_id: int, page: int):
    """One page of the person's notifications, newest first: one statement
    for the page and one for the count."""
    query = (
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())
    )
    return db.paginate(query, page=page_number(page), per_page=CENTRE_PER_PAGE, error_out=False)
