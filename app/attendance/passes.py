"""The member's check-in pass: their booking, its codes, and what the pass
says right now (when the code starts working, or what became of the booking).

A pass shows its QR only while the code can still let the member in; the
PNG route answers 404 for anything but a confirmed booking of a class that
is still on, so a stale screenshot is all an old pass can give away.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.attendance.models import CheckIn
from app.attendance.rules import checkin_window
from app.attendance.tokens import short_code
from app.booking.models import Booking, BookingStatus
from app.core.permissions import ensure
from app.extensions import db


class PassState(enum.Enum):
    #: the code works from `opens_at` (perhaps already) until the class ends
    VALID = "valid"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    #: the class ended without a check-in; the no-show job has not run yet
    OVER = "over"


@dataclass
class CheckInPass:
    booking: Booking
    state: PassState
    code: str
    opens_at: datetime
    check_in: CheckIn | None
    #: the class has not started: the member may still cancel
    can_cancel: bool

    @property
    def shows_qr(self) -> bool:
        return self.state in (PassState.VALID, PassState.CHECKED_IN)


def own_booking(member_id: int, booking_id: int) -> Booking:
    """The member's booking; raises NotYours (404) for someone else's."""
    booking = db.session.get(Booking, booking_id)
    ensure(booking is not None and booking.member_id == member_id)
    return booking


def scannable(booking: Booking, now: datetime) -> bool:
    """Whether the booking's QR may still be handed out (the PNG route)."""
    cs = booking.session
    return booking.status is BookingStatus.CONFIRMED and not cs.is_cancelled and now < cs.ends_at


def _state(booking: Booking, check_in: CheckIn | None, now: datetime) -> PassState:
    if booking.status is BookingStatus.CANCELLED or booking.session.is_cancelled:
        return PassState.CANCELLED
    if booking.status is BookingStatus.NO_SHOW:
        return PassState.NO_SHOW
    if check_in is not None:
        return PassState.CHECKED_IN
    return PassState.OVER if booking.session.ends_at <= now else PassState.VALID


def checkin_pass(booking: Booking, now: datetime) -> CheckInPass:
    """The pass for one booking: one query (its check-in) beyond the booking."""
    check_in = db.session.scalar(select(CheckIn).where(CheckIn.booking_id == booking.id))
    state = _state(booking, check_in, now)
    opens_at, _closes = checkin_window(booking.session)
    return CheckInPass(
        booking=booking,
        state=state,
        code=short_code(booking.id),
        opens_at=opens_at,
        check_in=check_in,
        can_cancel=state is PassState.VALID and now < booking.session.starts_at,
    )
