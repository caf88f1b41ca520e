"""Reading attendance: a class's list, a member's history and rates, and
the member's next class. Each runs a fixed number of statements."""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import contains_eager

from app.accounts.models import User
from app.attendance.models import CheckIn
from app.booking.models import Booking, BookingStatus
from app.extensions import db
from app.scheduling.models import ClassSession, SessionStatus


class Attendance(enum.Enum):
    EXPECTED = "expected"
    PRESENT = "present"
    LATE = "late"
    NO_SHOW = "no_show"
    #: the class is over, but the no-show job has not been past yet
    MISSED = "missed"


@dataclass
class AttendanceRow:
    booking: Booking
    member: User
    check_in: CheckIn | None
    status: Attendance


def _status(booking: Booking, check_in: CheckIn | None, ended: bool) -> Attendance:
    if check_in is not None:
        return Attendance.LATE if check_in.is_late else Attendance.PRESENT
    if booking.status is BookingStatus.NO_SHOW:
        return Attendance.NO_SHOW
    return Attendance.MISSED if ended else Attendance.EXPECTED


def session_attendance(cs: ClassSession, now: datetime) -> list[AttendanceRow]:
    """Everyone booked in (or marked absent from) the class, by name: one query."""
    rows = db.session.execute(
        select(Booking, User, CheckIn)
        .join(User, User.id == Booking.member_id)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .where(
            Booking.session_id == cs.id,
            Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.NO_SHOW]),
        )
        .order_by(func.lower(User.name), Booking.id)
    ).all()
    ended = cs.ends_at <= now
    return [AttendanceRow(b, u, c, _status(b, c, ended)) for b, u, c in rows]


@dataclass
class Summary:
    """Counts of a list or a history, and the rate of classes attended."""

    present: int = 0
    late: int = 0
    no_show: int = 0
    expected: int = 0

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def rate(self) -> float | None:
        """Attended / (attended + no-shows), or None before any finished class."""
        counted = self.attended + self.no_show
        return self.attended / counted if counted else None


def summarise(rows: list[AttendanceRow]) -> Summary:
    summary = Summary()
    for row in rows:
        if row.status is Attendance.PRESENT:
            summary.present += 1
        elif row.status is Attendance.LATE:
            summary.late += 1
        elif row.status in (Attendance.NO_SHOW, Attendance.MISSED):
            summary.no_show += 1
        else:
            summary.expected += 1
    return summary


def _past_bookings(member_id: int, now: datetime):
    """The member's bookings of classes that are over, or marked no-show."""
    return (
        select(Booking)
        .join(Booking.session)
        .where(
            Booking.member_id == member_id,
            ClassSession.status == SessionStatus.PUBLISHED,
            or_(
                Booking.status == BookingStatus.NO_SHOW,
                (Booking.status == BookingStatus.CONFIRMED) & (ClassSession.ends_at <= now),
            ),
        )
    )


def member_summary(member_id: int, now: datetime) -> Summary:
    """Attended, late and no-show counts over every finished class: one query."""
    came = CheckIn.id.is_not(None)
    query = (
        _past_bookings(member_id, now)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .with_only_columns(
            func.count(case((came & ~CheckIn.is_late, 1))),
            func.count(case((came & CheckIn.is_late, 1))),
            func.count(case((~came, 1))),
        )
    )
    present, late, no_show = db.session.execute(query).one()
    return Summary(present=present, late=late, no_show=no_show)


@dataclass
class HistoryPage:
    rows: list[AttendanceRow]
    page: int
    has_next: bool


def member_history(
    member_id: int, now: datetime, *, page: int = 1, per_page: int = 20
) -> HistoryPage:
    """Finished classes, newest first, with what happened: one query."""
    page = max(page, 1)
    rows = db.session.execute(
        _past_bookings(member_id, now)
        .add_columns(User, CheckIn)
        .join(User, User.id == Booking.member_id)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .options(contains_eager(Booking.session))
        .order_by(ClassSession.starts_at.desc(), Booking.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    items = [AttendanceRow(b, u, c, _status(b, c, True)) for b, u, c in rows[:per_page]]
    return HistoryPage(items, page, len(rows) > per_page)


def next_booking(member_id: int, now: datetime) -> Booking | None:
    """The member's next class that has not ended (the home screen's card)."""
    return db.session.scalar(
        select(Booking)
        .join(Booking.session)
        .options(contains_eager(Booking.session))
        .where(
            Booking.member_id == member_id,
            Booking.status == BookingStatus.CONFIRMED,
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.ends_at > now,
        )
        .order_by(ClassSession.starts_at)
        .limit(1)
    )
