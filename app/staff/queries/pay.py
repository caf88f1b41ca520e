"""Reads about trainers' pay: rates in force, sessions taught and priced,
statements by month, and the month-to-date estimate of the dashboard.

Every read here runs a fixed number of queries whatever the number of
sessions, lines or trainers.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.attendance.models import CheckIn
from app.booking.models import Booking, BookingStatus
from app.core.clock import local_date, local_day_bounds
from app.core.i18n import gym_settings, gym_zone
from app.core.inputs import page_number
from app.core.models import utc_now
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType, SessionStatus
from app.staff.models import (
    PayAdjustment,
    PayBasis,
    PayLine,
    PayRate,
    PayStatement,
    StatementStatus,
    pay_amount,
)
from app.trainers.models import Trainer

PER_PAGE = 25


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """UTC instants of the gym-local month's first midnight and the next month's."""
    zone = gym_zone()
    return local_day_bounds(month, zone)[0], local_day_bounds(next_month(month), zone)[0]


# -- rates -------------------------------------------------------------------


def rates_of(trainer_ids) -> dict[int, list[PayRate]]:
    """Each trainer's rates, newest first (one query)."""
    found: dict[int, list[PayRate]] = {trainer_id: [] for trainer_id in trainer_ids}
    if not found:
        return found
    rows = db.session.scalars(
        select(PayRate)
        .where(PayRate.trainer_id.in_(found))
        .order_by(PayRate.effective_from.desc(), PayRate.id.desc())
    )
    for rate in rows:
        found[rate.trainer_id].append(rate)
    return found


def rate_in_force(rates: list[PayRate], class_type_id: int, day: date) -> PayRate | None:
    """The override for this class type in force on `day`, else the default
    rate in force then, else None. `rates` newest first (see `rates_of`)."""
    default = None
    for rate in rates:
        if rate.effective_from > day:
            continue
        if rate.class_type_id == class_type_id:
            return rate
        if rate.class_type_id is None and default is None:
            default = rate
    return default


# -- sessions taught, priced ---------------------------------------------------


@dataclass(frozen=True)
class PricedSession:
    """A session taught, priced at the rate in force on its gym-local day."""

    trainer_id: int
    session_id: int
    starts_at: datetime
    class_name: str
    minutes: int
    basis: PayBasis
    rate_minor: int
    amount_minor: int
    booked: int = 0
    attended: int = 0


def taught_sessions(trainer_ids, start: datetime, end: datetime, now: datetime) -> list:
    """Sessions starting in [start, end) whose trainer is one of `trainer_ids`,
    published (not cancelled) and ended by `now`, earliest first (one query).
    A covered session's trainer is the substitute, so it counts for them."""
    return list(
        db.session.scalars(
            select(ClassSession)
            .where(
                ClassSession.trainer_id.in_(list(trainer_ids)),
                ClassSession.status == SessionStatus.PUBLISHED,
                ClassSession.starts_at >= start,
                ClassSession.starts_at < end,
                ClassSession.ends_at <= now,
            )
            .order_by(ClassSession.starts_at, ClassSession.id)
        )
    )


def _counts(model, session_ids, *conditions) -> dict[int, int]:
    if not session_ids:
        return {}
    return dict(
        db.session.execute(
            select(model.session_id, func.count())
            .where(model.session_id.in_(session_ids), *conditions)
            .group_by(model.session_id)
        ).all()
    )


def price_sessions(sessions, rates: dict[int, list[PayRate]], *, with_counts=True) -> list:
    """PricedSession per session with a rate (unrated sessions pay 0 at a
    per-class rate of 0, so they still show); booked and attended counts in
    two queries when `with_counts`."""
    zone = gym_zone()
    ids = [s.id for s in sessions]
    booked = attended = {}
    if with_counts and ids:
        booked = _counts(
            Booking, ids, Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.NO_SHOW])
        )
        attended = _counts(CheckIn, ids)
    priced = []
    for cs in sessions:
        minutes = int((cs.ends_at - cs.starts_at).total_seconds() // 60)
        rate = rate_in_force(
            rates.get(cs.trainer_id, []), cs.class_type_id, local_date(cs.starts_at, zone)
        )
        basis = rate.basis if rate else PayBasis.PER_CLASS
        rate_minor = rate.amount_minor if rate else 0
        priced.append(
            PricedSession(
                trainer_id=cs.trainer_id,
                session_id=cs.id,
                starts_at=cs.starts_at,
                class_name=cs.class_type.name,
                minutes=minutes,
                basis=basis,
                rate_minor=rate_minor,
                amount_minor=pay_amount(basis, rate_minor, minutes),
                booked=booked.get(cs.id, 0),
                attended=attended.get(cs.id, 0),
            )
        )
    return priced


def priced_month(trainer_ids, month: date, now: datetime) -> dict[int, list[PricedSession]]:
    """Each trainer's completed sessions of the gym-local month, priced (four
    queries whatever the number of trainers and sessions)."""
    trainer_ids = list(trainer_ids)
    start, end = month_bounds(month)
    sessions = taught_sessions(trainer_ids, start, end, now)
    found: dict[int, list[PricedSession]] = {trainer_id: [] for trainer_id in trainer_ids}
    for line in price_sessions(sessions, rates_of(trainer_ids)):
        found[line.trainer_id].append(line)
    return found


def trainers_who_taught(month: date, now: datetime) -> list[int]:
    """Ids of trainers with a completed session in the gym-local month."""
    start, end = month_bounds(month)
    return list(
        db.session.scalars(
            select(ClassSession.trainer_id)
            .where(
                ClassSession.status == SessionStatus.PUBLISHED,
                ClassSession.starts_at >= start,
                ClassSession.starts_at < end,
                ClassSession.ends_at <= now,
            )
            .distinct()
            .order_by(ClassSession.trainer_id)
        )
    )


# -- the dashboard's estimate --------------------------------------------------


@dataclass(frozen=True)
class MonthToDate:
    """An estimate, not a statement: completed sessions so far this month."""

    sessions: int
    minutes: int
    amount_minor: int
    currency: str


def month_to_date_estimate(trainer_id: int, today: date) -> MonthToDate:
    """The trainer's completed sessions of `today`'s gym-local month so far,
    priced at the rates in force on each day (two queries)."""
    start, end = month_bounds(month_start(today))
    sessions = taught_sessions([trainer_id], start, end, min(utc_now(), end))
    priced = price_sessions(sessions, rates_of([trainer_id]), with_counts=False)
    return MonthToDate(
        sessions=len(priced),
        minutes=sum(p.minutes for p in priced),
        amount_minor=sum(p.amount_minor for p in priced),
        currency=gym_settings().currency,
    )


# -- pages ---------------------------------------------------------------------


def trainer_rates(trainer_id: int) -> list[PayRate]:
    """The trainer's rates, newest first, class types loaded (one query)."""
    return list(
        db.session.scalars(
            select(PayRate)
            .options(selectinload(PayRate.class_type))
            .where(PayRate.trainer_id == trainer_id)
            .order_by(PayRate.effective_from.desc(), PayRate.id.desc())
        )
    )


def statements_of_month(month: date, page=1):
    """The month's statements, trainers by name, paginated (two queries)."""
    query = (
        select(PayStatement)
        .join(Trainer, Trainer.id == PayStatement.trainer_id)
        .join(User, User.id == Trainer.user_id)
        .where(PayStatement.month == month)
        .order_by(User.name, PayStatement.id)
    )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


@dataclass(frozen=True)
class MonthTotals:
    statements: int
    finals: int
    total_minor: int


def month_totals(month: date) -> MonthTotals:
    """How many statements the month has, how many final, and their sum (one query)."""
    count, finals, total = db.session.execute(
        select(
            func.count(PayStatement.id),
            func.count(PayStatement.finalised_at),
            func.coalesce(func.sum(PayStatement.total_minor), 0),
        ).where(PayStatement.month == month)
    ).one()
    return MonthTotals(count, finals, total)


def lines_of(statement_id: int) -> list[PayLine]:
    return list(
        db.session.scalars(
            select(PayLine)
            .where(PayLine.statement_id == statement_id)
            .order_by(PayLine.starts_at, PayLine.id)
        )
    )


def adjustments_of(statement_id: int) -> list[PayAdjustment]:
    return list(
        db.session.scalars(
            select(PayAdjustment)
            .where(PayAdjustment.statement_id == statement_id)
            .order_by(PayAdjustment.id)
        )
    )


def finals_of_trainer(trainer_id: int, page=1):
    """The trainer's final statements, newest month first, paginated; drafts
    are the admins' working copies and are not shown (two queries)."""
    query = (
        select(PayStatement)
        .where(
            PayStatement.trainer_id == trainer_id,
            PayStatement.status == StatementStatus.FINAL,
        )
        .order_by(PayStatement.month.desc())
    )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def export_rows(month: date) -> tuple[list[PayStatement], list[PayLine], list[PayAdjustment]]:
    """Every statement of the month with its lines and adjustments (three queries)."""
    statements = list(
        db.session.scalars(
            select(PayStatement)
            .join(Trainer, Trainer.id == PayStatement.trainer_id)
            .join(User, User.id == Trainer.user_id)
            .where(PayStatement.month == month)
            .order_by(User.name, PayStatement.id)
        )
    )
    ids = [s.id for s in statements]
    lines = list(
        db.session.scalars(
            select(PayLine)
            .where(PayLine.statement_id.in_(ids))
            .order_by(PayLine.statement_id, PayLine.starts_at, PayLine.id)
        )
    )
    adjustments = list(
        db.session.scalars(
            select(PayAdjustment)
            .where(PayAdjustment.statement_id.in_(ids))
            .order_by(PayAdjustment.statement_id, PayAdjustment.id)
        )
    )
    return statements, lines, adjustments


def active_class_types() -> list[ClassType]:
    """Class types a rate may override, by name (one query)."""
    return list(
        db.session.scalars(
            select(ClassType).where(ClassType.is_active.is_(True)).order_by(ClassType.name)
        )
    )
