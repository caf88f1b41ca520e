"""Read-side queries for the staff booking tools: a session's roster, and the
member search behind every staff form that takes a member.

The roster runs a fixed number of statements whatever the number of people:
one each for confirmed bookings, live holds and the waitlist, every row with
its member joined. Spots taken are counted from the same rows, under the
same rules as `occupancy.taken` (confirmed bookings plus live holds).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.accounts.queries import (
    MAX_SEARCH_LENGTH,
    MEMBER_SEARCH_LIMIT,
    member_number_in,
    search_members,
)
from app.booking.models import WAITLIST_OPEN, Booking, BookingStatus, Hold, WaitlistEntry
from app.booking.policy import cancel_terms
from app.booking.queries.occupancy import live_hold_filter
from app.core.search import fold
from app.extensions import db
from app.memberships.forms import STATUS_LABELS as MEMBERSHIP_STATUS_LABELS
from app.memberships.models import MembershipStatus
from app.memberships.queries import plan_badges
from app.scheduling.models import ClassSession, SessionStatus

#: candidates a staff form lists when the name it was given is ambiguous
MEMBER_MATCH_LIMIT = 8


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


@dataclass
class MemberResult:
    """A member as the desk's search shows them: enough to pick the right "Juan"."""

    user: User
    plan_name: str | None
    #: today's status of that plan (MembershipStatus), and its words
    plan_status: MembershipStatus | None
    status_label: str | None


def member_results(text: str, limit: int = MEMBER_SEARCH_LIMIT) -> list[MemberResult]:
    """`search_members` with each member's plan: two statements whatever the count.

    At most `limit + 1` rows, so a page can say there are more."""
    users = search_members(text, limit)
    badges = plan_badges([user.id for user in users])
    results = []
    for user in users:
        badge = badges.get(user.id)
        results.append(
            MemberResult(
                user=user,
                plan_name=badge.plan_name if badge else None,
                plan_status=badge.status if badge else None,
                status_label=str(MEMBERSHIP_STATUS_LABELS[badge.status]) if badge else None,
            )
        )
    return results


def find_member(text: str) -> tuple[User | None, list[MemberResult]]:
    """The one member `text` names, else (None, the members it matches).

    An exact email or member number ("0042") names one member, so does a
    full name only one member has, or a search with a single match. Two
    members with the same full name come back as candidates to pick from.
    """
    text = text[:MAX_SEARCH_LENGTH]
    matches = member_results(text, MEMBER_MATCH_LIMIT)
    needle, number = fold(text), member_number_in(text)
    exact = [
        row
        for row in matches
        if row.user.id == number or needle in (row.user.email, fold(row.user.name))
    ]
    by_key = [row for row in exact if row.user.id == number or row.user.email == needle]
    for candidates in (by_key, exact, matches):
        if len(candidates) == 1:
            return candidates[0].user, candidates
        if candidates:
            return None, candidates
    return None, []
