"""Booking's answers about one member for the staff member page: waitlist
places, strikes, and classes the desk could book them into.

Each is one statement, whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.booking.models import WAITLIST_OPEN, Strike, WaitlistEntry
from app.booking.queries.member import waitlist_position
from app.extensions import db
from app.scheduling.models import ClassSession, SessionStatus
from app.settings.services import gym_settings

#: upcoming bookings (`member.upcoming_bookings`) and classes to book into
#: shown on the member page at most
UPCOMING_SHOWN, BOOKABLE_SHOWN = 20, 30
#: strikes count for the booking block over this many days (as booking.rules)
STRIKE_DAYS = 30


def waitlist_places(member_id: int, now: datetime) -> list[tuple[WaitlistEntry, int, ClassSession]]:
    """(entry, place in line, class) for each open waitlist place of the member."""
    sessions = aliased(ClassSession)
    rows = db.session.execute(
        select(WaitlistEntry, waitlist_position(), sessions)
        .join(sessions, sessions.id == WaitlistEntry.session_id)
        .where(
            WaitlistEntry.member_id == member_id,
            WaitlistEntry.status.in_(WAITLIST_OPEN),
            sessions.starts_at > now,
            sessions.status == SessionStatus.PUBLISHED,
        )
        .order_by(sessions.starts_at, WaitlistEntry.id)
        .limit(UPCOMING_SHOWN)
    ).all()
    return [tuple(row) for row in rows]


@dataclass
class Strikes:
    #: strikes in the last STRIKE_DAYS days
    count: int
    #: while the member may not book: until when
    blocked_until: datetime | None


def strikes_of(member_id: int, now: datetime) -> Strikes:
    """The member's recent strikes and, if they reach the gym's limit, the end
    of the block (the rule `booking.rules.check_not_blocked` applies)."""
    recent = db.session.scalars(
        select(Strike.created_at)
        .where(Strike.member_id == member_id, Strike.created_at > now - timedelta(days=STRIKE_DAYS))
        .order_by(Strike.created_at.desc())
    ).all()
    settings = gym_settings()
    until = None
    if settings.strike_limit and len(recent) >= settings.strike_limit:
        until = recent[0] + timedelta(days=settings.strike_block_days)
        until = until if until > now else None
    return Strikes(len(recent), until)


def bookable_sessions(now: datetime, days: int = 7, limit: int = BOOKABLE_SHOWN):
    """Published classes starting in the next `days` days, soonest first."""
    return list(
        db.session.scalars(
            select(ClassSession)
            .where(
                ClassSession.status == SessionStatus.PUBLISHED,
                ClassSession.starts_at > now,
                ClassSession.starts_at < now + timedelta(days=days),
            )
            .order_by(ClassSession.starts_at, ClassSession.id)
            .limit(limit)
        )
    )
