"""Read-side: what the signed-in member has in each class, their place in a
waitlist, and their bookings page.

`member_states` answers for a whole schedule in a fixed number of queries
(bookings, live holds, waitlist places with their positions, the credit
balance and unlimited memberships), whatever the number of sessions. The
services (`bookings`, `waitlist`) still decide on every click; these states
only say beforehand what a click would most likely meet.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from app.booking.models import (
    WAITLIST_OPEN,
    Booking,
    BookingStatus,
    Hold,
    WaitlistEntry,
    WaitlistStatus,
)
from app.booking.queries.occupancy import live_hold_filter
from app.core.clock import local_date
from app.core.i18n import gym_zone
from app.core.inputs import page_number
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, Membership
from app.memberships.queries import unlimited_days, unlimited_membership_on
from app.scheduling.models import ClassSession, SessionStatus
from app.scheduling.queries import ScheduledSession
from app.scheduling.rules import booking_window


class SpotState(enum.Enum):
    """What the member sees on a class card, in order of precedence."""

    BOOKED = "booked"
    HELD = "held"
    WAITLISTED = "waitlisted"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    NOT_ELIGIBLE = "not_eligible"
    FULL = "full"
    OPEN = "open"


@dataclass
class MemberState:
    state: SpotState
    booking: Booking | None = None
    hold: Hold | None = None
    entry: WaitlistEntry | None = None
    #: 1 for the head of the waitlist
    position: int | None = None
    opens_at: datetime | None = None
    #: credits a booking would need when the member has too few
    credits_needed: int | None = None


def waitlist_position():
    """A correlated count: the entry's place among the open entries of its session."""
    ahead = aliased(WaitlistEntry)
    return (
        select(func.count(ahead.id))
        .where(
            ahead.session_id == WaitlistEntry.session_id,
            ahead.status.in_(WAITLIST_OPEN),
            ahead.id <= WaitlistEntry.id,
        )
        .correlate(WaitlistEntry)
        .scalar_subquery()
    )


def position_of(entry: WaitlistEntry) -> int:
    """The entry's place in its waitlist: 1 for the head of the line."""
    return db.session.scalar(
        select(func.count(WaitlistEntry.id)).where(
            WaitlistEntry.session_id == entry.session_id,
            WaitlistEntry.status.in_(WAITLIST_OPEN),
            WaitlistEntry.id <= entry.id,
        )
    )


def member_states(
    member_id: int, items: list[ScheduledSession], now: datetime
) -> dict[int, MemberState]:
    """The member's state for each upcoming published session in `items` (five queries)."""
    upcoming = [
        item
        for item in items
        if item.session.status is SessionStatus.PUBLISHED and item.session.starts_at > now
    ]
    # the same five queries even when nothing is upcoming: a page's count never varies
    ids = [item.session.id for item in upcoming]
    bookings = {
        b.session_id: b
        for b in db.session.scalars(
            select(Booking).where(
                Booking.member_id == member_id,
                Booking.session_id.in_(ids),
                Booking.status == BookingStatus.CONFIRMED,
            )
        )
    }
    holds = {
        h.session_id: h
        for h in db.session.scalars(
            select(Hold).where(
                Hold.member_id == member_id, Hold.session_id.in_(ids), live_hold_filter(now)
            )
        )
    }
    entries = {
        entry.session_id: (entry, position)
        for entry, position in db.session.execute(
            select(WaitlistEntry, waitlist_position()).where(
                WaitlistEntry.member_id == member_id,
                WaitlistEntry.session_id.in_(ids),
                WaitlistEntry.status.in_(WAITLIST_OPEN),
            )
        )
    }
    zone = gym_zone()
    days = [local_date(item.session.starts_at, zone) for item in upcoming]
    today = local_date(now, zone)
    unlimited = unlimited_days(member_id, min(days, default=today), max(days, default=today))
    balance = ledger.balance(member_id, now)

    states = {}
    for item, day in zip(upcoming, days, strict=True):
        cs = item.session
        state = _state_of(cs, item.is_full, now, day, unlimited, balance)
        state.booking = bookings.get(cs.id)
        state.hold = holds.get(cs.id)
        if cs.id in entries:
            state.entry, state.position = entries[cs.id]
        if state.booking is not None:
            state.state = SpotState.BOOKED
        elif state.hold is not None:
            state.state = SpotState.HELD
        elif state.entry is not None:
            state.state = SpotState.WAITLISTED
        states[cs.id] = state
    return states


def _state_of(cs: ClassSession, is_full: bool, now, day, unlimited, balance) -> MemberState:
    opens, closes = booking_window(cs)
    if now < opens:
        return MemberState(SpotState.NOT_OPEN, opens_at=opens)
    if now >= closes:
        return MemberState(SpotState.CLOSED)
    needed = cs.class_type.credits_required
    covered = any(start <= day <= end for start, end in unlimited)
    if not covered and needed and balance < needed * CC:
        return MemberState(SpotState.NOT_ELIGIBLE, credits_needed=needed)
    return MemberState(SpotState.FULL if is_full else SpotState.OPEN)


@dataclass
class Offer:
    """A spot the waitlist offered the member: a priority hold and its place."""

    hold: Hold
    entry: WaitlistEntry

    @property
    def session(self) -> ClassSession:
        return self.hold.session


def waitlist_offers(member_id: int, now: datetime) -> list[Offer]:
    """The member's live waitlist offers, soonest to expire first, with what
    their cards show (one query, however many)."""
    rows = db.session.execute(
        select(Hold, WaitlistEntry)
        .join(WaitlistEntry, WaitlistEntry.hold_id == Hold.id)
        .join(ClassSession, ClassSession.id == Hold.session_id)
        .options(
            contains_eager(Hold.session).options(
                joinedload(ClassSession.class_type),
                joinedload(ClassSession.trainer),
                joinedload(ClassSession.room),
            )
        )
        .where(
            Hold.member_id == member_id,
            Hold.is_priority.is_(True),
            live_hold_filter(now),
            WaitlistEntry.status == WaitlistStatus.OFFERED,
            ClassSession.starts_at > now,
        )
        .order_by(Hold.expires_at, Hold.id)
    ).all()
    return [Offer(hold, entry) for hold, entry in rows]


@dataclass
class MyBookings:
    upcoming: list[Booking]
    #: offers from a waitlist come first on the page, each with its countdown
    offers: list[Offer]
    #: holds the member placed themselves
    holds: list[Hold]
    #: (entry, position, class session) triples
    waitlist: list[tuple[WaitlistEntry, int, ClassSession]]
    past: object  # a Flask-SQLAlchemy Pagination of bookings
    balance_cc: int
    unlimited: Membership | None


def my_bookings(member_id: int, now: datetime, *, page: int = 1, per_page: int = 20) -> MyBookings:
    """Everything the bookings page lists, in a fixed number of queries."""

    def with_session(query, model):
        return query.join(ClassSession, ClassSession.id == model.session_id).options(
            contains_eager(model.session)
        )

    upcoming = db.session.scalars(
        with_session(select(Booking), Booking)
        .where(
            Booking.member_id == member_id,
            Booking.status == BookingStatus.CONFIRMED,
            ClassSession.starts_at > now,
        )
        .order_by(ClassSession.starts_at, Booking.id)
    ).all()
    holds = db.session.scalars(
        with_session(select(Hold), Hold)
        .where(
            Hold.member_id == member_id,
            Hold.is_priority.is_(False),
            live_hold_filter(now),
            ClassSession.starts_at > now,
        )
        .order_by(Hold.expires_at, Hold.id)
    ).all()
    waitlist_sessions = aliased(ClassSession)
    waitlist = db.session.execute(
        select(WaitlistEntry, waitlist_position(), waitlist_sessions)
        .join(waitlist_sessions, waitlist_sessions.id == WaitlistEntry.session_id)
        .where(
            WaitlistEntry.member_id == member_id,
            # an offered place shows as its offer, not as "waitlist #1" too
            WaitlistEntry.status == WaitlistStatus.WAITING,
            waitlist_sessions.starts_at > now,
            waitlist_sessions.status == SessionStatus.PUBLISHED,
        )
        .order_by(waitlist_sessions.starts_at, WaitlistEntry.id)
    ).all()
    past = db.paginate(
        with_session(select(Booking), Booking)
        .where(
            Booking.member_id == member_id,
            (Booking.status != BookingStatus.CONFIRMED) | (ClassSession.starts_at <= now),
        )
        .order_by(ClassSession.starts_at.desc(), Booking.id.desc()),
        page=page_number(page),
        per_page=per_page,
        error_out=False,
    )
    return MyBookings(
        upcoming=list(upcoming),
        offers=waitlist_offers(member_id, now),
        holds=list(holds),
        waitlist=[tuple(row) for row in waitlist],
        past=past,
        balance_cc=ledger.balance(member_id, now),
        unlimited=unlimited_membership_on(member_id, local_date(now, gym_zone())),
    )


def upcoming_bookings(
    member_id: int,
    now: datetime,
    *,
    days: int | None = None,
    limit: int | None = None,
    drafts: bool = False,
) -> list[Booking]:
    """The member's confirmed bookings of classes that have not ended, soonest
    first: those starting within `days` days when given, `limit` at most.

    Classes put back to draft count only with `drafts`: the member app keeps
    their passes for offline use (the member still holds the booking), while
    the staff member page lists published classes only.
    """
    if drafts:
        listed = ClassSession.status != SessionStatus.CANCELLED
    else:
        listed = ClassSession.status == SessionStatus.PUBLISHED
    query = (
        select(Booking)
        .join(ClassSession, ClassSession.id == Booking.session_id)
        .options(contains_eager(Booking.session))
        .where(
            Booking.member_id == member_id,
            Booking.status == BookingStatus.CONFIRMED,
            listed,
            ClassSession.ends_at > now,
        )
        .order_by(ClassSession.starts_at, Booking.id)
        .limit(limit)
    )
    if days is not None:
        query = query.where(ClassSession.starts_at < now + timedelta(days=days))
    return list(db.session.scalars(query))
