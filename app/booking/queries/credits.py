"""What booking tells the credit ledger (connected in `init_app`): that every
booking which cost credits has its one spend entry, and which class a booking was for."""

from sqlalchemy import func, select

from app.booking.models import Booking, BookingStatus
from app.extensions import db
from app.memberships.ledger import Breach
from app.memberships.models import EntryKind, LedgerEntry
from app.scheduling.models import ClassSession, ClassType


def spend_breaches(sender=None) -> list[Breach]:
    """Invariant 3 from booking's side: every booking that cost credits
    (whatever became of it) has exactly one spend entry."""
    spends = func.count(LedgerEntry.id)
    rows = db.session.execute(
        select(Booking.id, spends)
        .outerjoin(
            LedgerEntry,
            (LedgerEntry.booking_id == Booking.id) & (LedgerEntry.kind == EntryKind.SPEND),
        )
        .where(
            Booking.credits_cc > 0,
            Booking.status.in_(
                [BookingStatus.CONFIRMED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW]
            ),
        )
        .group_by(Booking.id)
        .having(spends != 1)
        .order_by(Booking.id)
    ).all()
    return [
        Breach("booking spends", f"booking {booking_id}: {count} spend entries")
        for booking_id, count in rows
    ]


def classes_of(booking_ids) -> dict:
    """{booking id: (class name, starts at)} for the credit history (one query)."""
    if not booking_ids:
        return {}
    rows = db.session.execute(
        select(Booking.id, ClassType.name, ClassSession.starts_at)
        .join(ClassSession, ClassSession.id == Booking.session_id)
        .join(ClassType, ClassType.id == ClassSession.class_type_id)
        .where(Booking.id.in_(booking_ids))
    )
    return {booking_id: (name, starts_at) for booking_id, name, starts_at in rows}
