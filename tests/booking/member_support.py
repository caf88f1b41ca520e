"""Helpers for the member booking pages: posting their forms, reading their state."""

import re
import uuid

from sqlalchemy import func, select

from app.booking.models import Booking, BookingStatus, Hold, HoldStatus, WaitlistEntry
from app.memberships.models import EntryKind, LedgerEntry
from tests.accounts.support import flashes, page_text
from tests.conftest import csrf_token


def act(client, path: str, *, key: str | None = None, follow: bool = True, **data):
    """POST a booking button's form the way the page renders it (fresh key unless given)."""
    form = {
        "csrf_token": csrf_token(client, "/app/bookings"),
        "idempotency_key": uuid.uuid4().hex if key is None else key,
        "next": "/app/bookings",
        **data,
    }
    return client.post(path, data=form, follow_redirects=follow)


def said(response) -> list[str]:
    return flashes(response)


def count(db, query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def bookings(db, member, status=BookingStatus.CONFIRMED) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .where(Booking.member_id == member.id, Booking.status == status)
            .execution_options(populate_existing=True)
        )
    )


def holds(db, member, status=HoldStatus.ACTIVE) -> list[Hold]:
    return list(
        db.session.scalars(
            select(Hold)
            .where(Hold.member_id == member.id, Hold.status == status)
            .execution_options(populate_existing=True)
        )
    )


def entries(db, member) -> list[WaitlistEntry]:
    return list(
        db.session.scalars(
            select(WaitlistEntry)
            .where(WaitlistEntry.member_id == member.id)
            .execution_options(populate_existing=True)
        )
    )


def ledger_kinds(db, member) -> list[tuple[EntryKind, int]]:
    return [
        (e.kind, e.amount_cc)
        for e in db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.member_id == member.id).order_by(LedgerEntry.id)
        )
    ]


def card_state(response, session_id: int) -> str | None:
    """The data-member-state of a class card's action bar."""
    match = re.search(
        rf'data-session-id="{session_id}" data-member-state="(\w+)"', page_text(response)
    )
    return match.group(1) if match else None


def card_actions(response, session_id: int) -> str:
    """The HTML of one class card's action bar."""
    text = page_text(response)
    start = text.index(f'id="session-{session_id}-actions"')
    return text[start : text.index("</article>", start)]
