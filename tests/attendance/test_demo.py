"""The demo gym books member1 and others into its next classes."""

from sqlalchemy import select

from app.accounts.models import User
from app.attendance.queries import next_booking
from app.booking.models import Booking, BookingStatus
from app.core.models import utc_now
from app.demo import seed_demo
from app.memberships.ledger import check_ledger


def test_demo_member1_has_a_next_class_with_company(app, db):
    assert seed_demo()

    member1 = db.session.scalar(select(User).where(User.email == "member1@cupo.demo"))
    upcoming = next_booking(member1.id, utc_now())
    assert upcoming is not None and upcoming.session.starts_at > utc_now()
    classmates = db.session.scalars(
        select(Booking).where(
            Booking.session_id == upcoming.session_id, Booking.status == BookingStatus.CONFIRMED
        )
    ).all()
    assert len(classmates) > 1
    assert check_ledger() == []
