"""Reads of the sent-emails pages."""

from sqlalchemy import select

from app.core.inputs import page_number
from app.core.search import contains
from app.extensions import db
from app.notifications.models import EmailStatus, SentEmail

PER_PAGE = 30


def sent_emails(status: str, to: str, page: int):
    """One page of sent emails, newest first; `status` an EmailStatus value
    ("" or anything else for all), `to` a part of the recipient's address."""
    query = select(SentEmail).order_by(SentEmail.id.desc())
    if status in {s.value for s in EmailStatus}:
        query = query.where(SentEmail.status == EmailStatus(status))
    if to:
        query = query.where(contains(SentEmail.to, to))
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)
