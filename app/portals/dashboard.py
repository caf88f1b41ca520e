"""Read-side queries of the back-office dashboard: how today is going.

Today is the gym's local day. Each figure is one aggregate statement, so the
page runs the same number of statements however many classes and payments
the day has.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.accounts.models import User
from app.attendance.models import CheckIn
from app.billing.forms import RENEWAL_DAYS
from app.billing.models import EventStatus, Payment, PaymentMethod, PaymentStatus, WebhookEvent
from app.billing.queries import renewals as billing_renewals
from app.booking.models import Booking, BookingStatus
from app.core.clock import local_day_bounds
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.extensions import db
from app.notifications.models import EmailStatus, SentEmail
from app.scheduling.models import ClassSession, ClassType, SessionStatus


def people_counts() -> dict:
    """Accounts not deleted, by role."""
    return dict(
        db.session.execute(
            select(User.role, func.count(User.id))
            .where(User.deleted_at.is_(None))
            .group_by(User.role)
        ).all()
    )


def failed_emails() -> int:
    return db.session.scalar(
        select(func.count(SentEmail.id)).where(SentEmail.status == EmailStatus.FAILED)
    )


def failed_webhook_events() -> int:
    return db.session.scalar(
        select(func.count(WebhookEvent.id)).where(WebhookEvent.status == EventStatus.FAILED)
    )


# ---- today's classes ----------------------------------------------------------


@dataclass
class NextClass:
    session_id: int
    name: str
    starts_at: datetime
    booked: int
    capacity: int


@dataclass
class ClassesToday:
    classes: int
    capacity: int
    booked: int
    checked_in: int
    no_shows: int
    next_class: NextClass | None


def _todays_sessions(start: datetime, end: datetime):
    """Ids of the published classes starting on the local day [start, end)."""
    return select(ClassSession.id).where(
        ClassSession.status == SessionStatus.PUBLISHED,
        ClassSession.starts_at >= start,
        ClassSession.starts_at < end,
    )


def _bookings(session_ids, status: BookingStatus):
    return (
        select(func.count(Booking.id))
        .where(Booking.session_id.in_(session_ids), Booking.status == status)
        .scalar_subquery()
    )


def classes_today(now: datetime | None = None) -> ClassesToday:
    """The day's published classes: spots, check-ins, no-shows, and the next
    one to start (two statements)."""
    now = now or utc_now()
    start, end = local_day_bounds(now.astimezone(gym_zone()).date(), gym_zone())
    ids = _todays_sessions(start, end)
    today = ClassSession.id.in_(ids)
    classes, capacity, booked, checked_in, no_shows = db.session.execute(
        select(
            select(func.count(ClassSession.id)).where(today).scalar_subquery(),
            select(func.coalesce(func.sum(ClassSession.capacity), 0))
            .where(today)
            .scalar_subquery(),
            _bookings(ids, BookingStatus.CONFIRMED),
            select(func.count(CheckIn.id)).where(CheckIn.session_id.in_(ids)).scalar_subquery(),
            _bookings(ids, BookingStatus.NO_SHOW),
        )
    ).one()
    booked_here = (
        select(func.count(Booking.id))
        .where(Booking.session_id == ClassSession.id, Booking.status == BookingStatus.CONFIRMED)
        .correlate(ClassSession)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(
            ClassSession.id,
            ClassType.name,
            ClassSession.starts_at,
            booked_here,
            ClassSession.capacity,
        )
        .join(ClassType, ClassType.id == ClassSession.class_type_id)
        .where(today, ClassSession.starts_at >= now)
        .order_by(ClassSession.starts_at, ClassSession.id)
        .limit(1)
    ).first()
    return ClassesToday(
        classes, capacity, booked, checked_in, no_shows, NextClass(*row) if row else None
    )


# ---- today's takings ----------------------------------------------------------


@dataclass
class MethodTakings:
    method: PaymentMethod
    count: int = 0
    amount_minor: int = 0


@dataclass
class Takings:
    #: PAID payments of the day, one row per method in the enum's order
    by_method: list[MethodTakings] = field(default_factory=list)
    #: payments of the day refunded or voided since
    returned_count: int = 0
    returned_minor: int = 0

    @property
    def count(self) -> int:
        return sum(row.count for row in self.by_method)

    @property
    def amount_minor(self) -> int:
        return sum(row.amount_minor for row in self.by_method)


def takings_today(now: datetime | None = None) -> Takings:
    """Payments taken on the local day, by method and status (one statement)."""
    now = now or utc_now()
    start, end = local_day_bounds(now.astimezone(gym_zone()).date(), gym_zone())
    rows = db.session.execute(
        select(
            Payment.method,
            Payment.status,
            func.count(Payment.id),
            func.coalesce(func.sum(Payment.amount_minor), 0),
        )
        .where(Payment.paid_at >= start, Payment.paid_at < end)
        .group_by(Payment.method, Payment.status)
    )
    paid = {method: MethodTakings(method) for method in PaymentMethod}
    takings = Takings(list(paid.values()))
    for method, status, count, amount in rows:
        if status is PaymentStatus.PAID:
            paid[method].count += count
            paid[method].amount_minor += amount
        else:
            takings.returned_count += count
            takings.returned_minor += amount
    return takings


# ---- renewals -------------------------------------------------------------------


@dataclass
class Renewals:
    days: int
    due_soon: int
    past_due: int


def renewals() -> Renewals:
    """Memberships to renew at the desk in the next RENEWAL_DAYS, and past due."""
    due_soon, past_due = billing_renewals.renewal_counts(RENEWAL_DAYS)
    return Renewals(RENEWAL_DAYS, due_soon, past_due)
