"""Read-side queries for the staff booking tools: a session's roster, member search.

The roster runs a fixed number of statements whatever the number of people:
one each for confirmed bookings, live holds and the waitlist, every row with
its member joined. Spots taken are counted from the same rows, under the
same rules as `occupancy.taken` (confirmed bookings plus live holds).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import Role, User, UserStatus
from app.booking.models import WAITLIST_OPEN, Booking, BookingStatus, Hold, WaitlistEntry
from app.booking.policy import cancel_terms
from app.booking.queries.occupancy import live_hold_filter
from app.core.search import contains
from app.extensions import db
from app.scheduling.models import ClassSession, SessionStatus

#: a search matching more members than this is ambiguous either way
MEMBER_MATCH_LIMIT = 5


@dataclass
class RosterBooking:
    booking: Booking
    #: credits the cancellation policy would give back now, in hundredths
    policy_refund_cc: int
    #: cancelling by policy now would count as a late cancellation
    policy_strike: bool


@dataclass
class RosterHold:
    hold: Hold
    #: whole minutes until the hold lapses (at least 1 while it is live)
    minutes_left: int


@dataclass
class RosterPlace:
    entry: WaitlistEntry
    #: 1 for the head of the line, as `member.position_of` counts it
    position: int


@dataclass
class Roster:
    session: ClassSession
    confirmed: list[RosterBooking]
    holds: list[RosterHold]
    waitlist: list[RosterPlace]
    #: the session has not started, is published, and so may take bookings
    is_open: bool
    has_started: bool

    @property
    def taken(self) -> int:
        return len(self.confirmed) + len(self.holds)

    @property
    def spots_left(self) -> int:
        return max(self.session.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.spots_left == 0


def session_roster(cs: ClassSession, now: datetime) -> Roster:
    """Who is in `cs` at `now`: confirmed bookings, live holds, the waitlist in order."""
    bookings = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.member))
        .where(Booking.session_id == cs.id, Booking.status == BookingStatus.CONFIRMED)
        .order_by(Booking.booked_at, Booking.id)
    ).all()
    holds = db.session.scalars(
        select(Hold)
        .options(joinedload(Hold.member))
        .where(Hold.session_id == cs.id, live_hold_filter(now))
        .order_by(Hold.expires_at, Hold.id)
    ).all()
    line = db.session.scalars(
        select(WaitlistEntry)
        .options(joinedload(WaitlistEntry.member), joinedload(WaitlistEntry.hold))
        .where(WaitlistEntry.session_id == cs.id, WaitlistEntry.status.in_(WAITLIST_OPEN))
        .order_by(WaitlistEntry.id)
    ).all()
    confirmed = []
    for booking in bookings:
        terms = cancel_terms(booking, now)
        confirmed.append(RosterBooking(booking, terms.refund_cc, terms.strike))
    return Roster(
        session=cs,
        confirmed=confirmed,
        holds=[RosterHold(hold, _minutes_until(hold.expires_at, now)) for hold in holds],
        waitlist=[RosterPlace(entry, number) for number, entry in enumerate(line, start=1)],
        is_open=cs.status is SessionStatus.PUBLISHED and cs.starts_at > now,
        has_started=cs.starts_at <= now,
    )


def _minutes_until(instant: datetime, now: datetime) -> int:
    seconds = (instant - now).total_seconds()
    return max(int(-(-seconds // 60)), 1)


def members_matching(text: str) -> list[User]:
    """Active members whose email is `text`, or whose name contains it.

    At most MEMBER_MATCH_LIMIT + 1, exact email or name matches first.
    """
    text = " ".join(text.split()).lower()
    if not text:
        return []
    exact = or_(func.lower(User.email) == text, func.lower(User.name) == text)
    query = (
        select(User)
        .where(
            User.role == Role.MEMBER,
            User.status == UserStatus.ACTIVE,
            User.deleted_at.is_(None),
            or_(exact, contains(func.lower(User.name), text)),
        )
        .order_by(exact.desc(), func.lower(User.name), User.id)
        .limit(MEMBER_MATCH_LIMIT + 1)
    )
    return list(db.session.scalars(query))


def find_member(text: str) -> tuple[User | None, int]:
    """The one member `text` names, else (None, how many matched).

    An exact email or full name wins over partial name matches; two members
    with the same full name need their email.
    """
    text = " ".join(text.split()).lower()
    matches = members_matching(text)
    exact = [user for user in matches if text in (user.email, user.name.lower())]
    candidates = exact or matches
    if len(candidates) == 1:
        return candidates[0], 1
    return None, len(candidates)
