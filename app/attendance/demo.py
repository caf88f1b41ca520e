"""Bookings in the demo gym's next classes, so passes and lists have people."""

import random

from sqlalchemy import select

from app.accounts.models import Role, User
from app.booking.rules import BookingError
from app.booking.services.bookings import book_now
from app.core.models import utc_now
from app.extensions import db
from app.memberships.models import Membership
from app.scheduling.models import ClassSession, SessionStatus

#: classes booked into, and members in each
CLASSES = 3
PER_CLASS = 6


def seed_bookings(admin: User, rng: random.Random) -> int:
    """Book member1 into the next class and a few members into the next
    three; runs inside the caller's transaction. Returns how many.

    A booking the booking engine refuses (BookingError) is skipped; raises
    nothing of its own. Queues a booking confirmation email
    ("booking_confirmed") for each booking, sent after the caller commits.
    """
    upcoming = db.session.scalars(
        select(ClassSession)
        .where(ClassSession.status == SessionStatus.PUBLISHED, ClassSession.starts_at > utc_now())
        .order_by(ClassSession.starts_at)
        .limit(CLASSES)
    ).all()
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.member_id == User.id)
        .where(User.role == Role.MEMBER)
        .order_by(User.id)
        .distinct()
    ).all()
    booked = 0
    for index, cs in enumerate(upcoming):
        chosen = rng.sample(members[1:], min(PER_CLASS - 1, len(members) - 1))
        if index == 0 and members:
            chosen.insert(0, members[0])  # member1, the demo login
        for member in chosen[: cs.capacity]:
            try:
                book_now(cs.id, member, actor=admin, overlap_ok=True)
            except BookingError:
                continue  # a pack that ran out: the demo goes on without them
            booked += 1
    return booked
