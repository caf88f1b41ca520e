"""Staff tables: availability, leave and cover, pay.

One section per part; each keeps to its own.
"""

import enum
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import local_to_utc
from app.core.models import str_enum, utc_now
from app.extensions import db

# -- availability and 1:1 slots ----------------------------------------------
#
# weekly availability blocks and dated exceptions
#


class AvailabilityBlock(db.Model):
    """A weekly stretch a trainer takes 1:1s: "Tuesdays 9:00-13:00 from 1 March".

    Times are gym-local wall-clock times, so a block keeps its hours across
    daylight-saving changes. Blocks of one trainer on one weekday never
    overlap while both are valid (the service refuses it).
    """

    __tablename__ = "trainer_availability"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("end_time > start_time", name="times_in_order"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="dates_in_order"),
        Index("ix_trainer_availability_trainer_weekday", "trainer_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    #: 0 is Monday ... 6 is Sunday
    weekday: Mapped[int]
    #: gym-local wall-clock times
    start_time: Mapped[time]
    end_time: Mapped[time]
    #: gym-local days, both included; no end: until changed
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


class ExceptionKind(enum.Enum):
    #: not available (the whole day, or between the times)
    OFF = "off"
    #: available between the times besides the weekly blocks
    EXTRA = "extra"


class AvailabilityException(db.Model):
    """One dated change to the weekly blocks: a day (or hours) off, or extra hours."""

    __tablename__ = "trainer_availability_exceptions"
    __table_args__ = (
        CheckConstraint("(start_time IS NULL) = (end_time IS NULL)", name="times_together"),
        CheckConstraint("end_time IS NULL OR end_time > start_time", name="times_in_order"),
        CheckConstraint("kind = 'off' OR start_time IS NOT NULL", name="extra_has_times"),
        Index("ix_trainer_availability_exceptions_trainer_day", "trainer_id", "on_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    #: the gym-local day it changes
    on_day: Mapped[date]
    kind: Mapped[ExceptionKind] = mapped_column(str_enum(ExceptionKind, "availability_exception"))
    #: gym-local times; both empty on a whole day off
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


# -- leave, approval and cover -----------------------------------------------
#
# leave requests, their decisions, cover plans and substitution offers
#


class LeaveKind(enum.Enum):
    VACATION = "vacation"
    SICK = "sick"
    PERSONAL = "personal"
    TRAINING = "training"
    OTHER = "other"


class LeaveStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


#: lengths and counts the forms and services both keep to
REASON_MAX = 1000
COMMENT_MAX = 500
#: a bulk cover action takes at most this many classes
BULK_MAX = 200

KIND_LABELS = {
    LeaveKind.VACATION: _l("Vacation"),
    LeaveKind.SICK: _l("Sick leave"),
    LeaveKind.PERSONAL: _l("Personal leave"),
    LeaveKind.TRAINING: _l("Training"),
    LeaveKind.OTHER: _l("Other leave"),
}
STATUS_LABELS = {
    LeaveStatus.PENDING: _l("Pending"),
    LeaveStatus.APPROVED: _l("Approved"),
    LeaveStatus.REJECTED: _l("Rejected"),
    LeaveStatus.WITHDRAWN: _l("Withdrawn"),
}


def leave_span(
    first_day: date, last_day: date, start_time: time | None, end_time: time | None, zone
) -> tuple[datetime, datetime]:
    """The UTC span [start, end) of leave given as gym-local days and times.

    Whole days run from the first day's midnight to the midnight after the
    last; with times, from the first day's start time to the last day's end
    time (wall clock in `zone`, so it holds across DST).
    """
    if start_time is None or end_time is None:
        return (
            local_to_utc(first_day, time(0), zone),
            local_to_utc(last_day + timedelta(days=1), time(0), zone),
        )
    return local_to_utc(first_day, start_time, zone), local_to_utc(last_day, end_time, zone)


class Leave(db.Model):
    """A trainer's request to be away, and the admin's decision on it.

    The trainer gives gym-local days and, optionally, times; `starts_at` and
    `ends_at` are the same span in UTC (end exclusive), worked out once in the
    gym's time zone, so "who is away between A and B" is one indexed query.
    """

    __tablename__ = "trainer_leave"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="days_in_order"),
        CheckConstraint("ends_at > starts_at", name="span_in_order"),
        CheckConstraint("(start_time IS NULL) = (end_time IS NULL)", name="times_together"),
        Index("ix_trainer_leave_trainer_span", "trainer_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    kind: Mapped[LeaveKind] = mapped_column(str_enum(LeaveKind, "leave_kind"))
    #: gym-local days, both included
    first_day: Mapped[date]
    last_day: Mapped[date]
    #: gym-local times on each day; both empty means whole days
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    #: the same span in UTC, end exclusive
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[LeaveStatus] = mapped_column(
        str_enum(LeaveStatus, "leave_status"), default=LeaveStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(default=utc_now)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the admin's comment on approving or rejecting
    decision_comment: Mapped[str] = mapped_column(String(500), default="")

    trainer = relationship("Trainer", lazy="joined", innerjoin=True)

    @property
    def is_pending(self) -> bool:
        return self.status is LeaveStatus.PENDING

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


class Cover(db.Model):
    """Who taught a class in another trainer's place, and for which leave.

    The class session's own `trainer_id` is the substitute from then on (who
    teaches is who is paid); this row keeps who was absent, so the cover plan
    can show the class as covered.
    """

    __tablename__ = "session_covers"
    __table_args__ = (
        CheckConstraint("substitute_id <> absent_trainer_id", name="someone_else"),
        Index("ix_session_covers_leave", "leave_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id"), index=True)
    #: the leave it covers; None when a trainer asked for a sub without leave
    leave_id: Mapped[int | None] = mapped_column(ForeignKey("trainer_leave.id"))
    absent_trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    substitute = relationship("Trainer", foreign_keys=[substitute_id], lazy="joined")
    session = relationship("ClassSession")


class OfferStatus(enum.Enum):
    OPEN = "open"
    TAKEN = "taken"


class CoverOffer(db.Model):
    """A class offered to the trainers free then: the first to accept teaches it.

    Made from a leave's cover plan by an admin, or by the class's own trainer
    asking for a substitute without leave (`leave_id` empty).
    """

    __tablename__ = "cover_offers"
    __table_args__ = (
        CheckConstraint("(status = 'taken') = (taken_by_id IS NOT NULL)", name="taken_by_set"),
        Index("ix_cover_offers_status_session", "status", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id"))
    leave_id: Mapped[int | None] = mapped_column(ForeignKey("trainer_leave.id"))
    #: the trainer the class needs cover for
    absent_trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    #: shown to the trainers it is offered to
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[OfferStatus] = mapped_column(
        str_enum(OfferStatus, "offer_status"), default=OfferStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("trainers.id"))
    taken_at: Mapped[datetime | None]

    # loaded on demand: the offer row is locked FOR UPDATE on its own
    session = relationship("ClassSession")
    absent_trainer = relationship("Trainer", foreign_keys=[absent_trainer_id])


def free_trainers_for(sessions) -> dict:
    """For each session, the active trainers (not its own) with no other class
    and no approved leave then; those whose specialties match the class's
    tags first, then by name. Three queries for any number of sessions.

    A read shared by the cover queries and the offer services.
    """
    from app.scheduling.models import ClassSession, SessionStatus
    from app.trainers.models import Trainer

    if not sessions:
        return {}
    start = min(cs.starts_at for cs in sessions)
    end = max(cs.ends_at for cs in sessions)
    trainers = list(
        db.session.scalars(select(Trainer).where(Trainer.is_active.is_(True)).order_by(Trainer.id))
    )
    busy: dict = {}
    others = db.session.execute(
        select(ClassSession.trainer_id, ClassSession.starts_at, ClassSession.ends_at).where(
            ClassSession.status != SessionStatus.CANCELLED,
            ClassSession.starts_at < end,
            ClassSession.ends_at > start,
        )
    )
    away = db.session.execute(
        select(Leave.trainer_id, Leave.starts_at, Leave.ends_at).where(
            Leave.status == LeaveStatus.APPROVED, Leave.starts_at < end, Leave.ends_at > start
        )
    )
    for trainer_id, starts_at, ends_at in [*others, *away]:
        busy.setdefault(trainer_id, []).append((starts_at, ends_at))
    answer = {}
    for cs in sessions:
        tags = set(cs.class_type.tags or ())
        free = [
            trainer
            for trainer in trainers
            if trainer.id != cs.trainer_id
            and not any(s < cs.ends_at and e > cs.starts_at for s, e in busy.get(trainer.id, ()))
        ]
        free.sort(key=lambda t: (not (tags & set(t.specialties or ())), t.name.casefold()))
        answer[cs.id] = free
    return answer


def uncovered_sessions_query(start: datetime, end: datetime, trainer_id: int | None = None):
    """SELECT the classes (not cancelled) starting in [start, end) whose trainer
    is on approved leave then, earliest first; `trainer_id` narrows to one
    trainer. Shared by the cover queries and the daily digest."""
    from app.scheduling.models import ClassSession, SessionStatus

    on_leave = (
        select(Leave.id)
        .where(
            Leave.trainer_id == ClassSession.trainer_id,
            Leave.status == LeaveStatus.APPROVED,
            Leave.starts_at < ClassSession.ends_at,
            Leave.ends_at > ClassSession.starts_at,
        )
        .exists()
    )
    query = (
        select(ClassSession)
        .where(
            ClassSession.status != SessionStatus.CANCELLED,
            ClassSession.starts_at >= start,
            ClassSession.starts_at < end,
            on_leave,
        )
        .order_by(ClassSession.starts_at, ClassSession.id)
    )
    if trainer_id is not None:
        query = query.where(ClassSession.trainer_id == trainer_id)
    return query


# -- pay ---------------------------------------------------------------------
#
# pay rates effective from a date, monthly statements and their lines
#


class PayBasis(enum.Enum):
    PER_CLASS = "per_class"
    PER_HOUR = "per_hour"


#: a rate above this (minor units) is a typing mistake, not a wage
MAX_RATE_MINOR = 10_000_000


def pay_amount(basis: PayBasis, rate_minor: int, minutes: int) -> int:
    """What one session pays: the rate per class, or rate × minutes / 60 per
    hour, rounded half up to a whole minor unit (integers only, no floats)."""
    if basis is PayBasis.PER_CLASS:
        return rate_minor
    return (rate_minor * minutes + 30) // 60


class PayRate(db.Model):
    """What a trainer earns from `effective_from` (a gym-local day) until the
    next rate of the same kind: their default rate (`class_type_id` empty) or
    an override for one class type. Rates are never edited in place once a
    later one exists, so past months keep the rate they were paid at."""

    __tablename__ = "trainer_pay_rates"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        Index("ix_trainer_pay_rates_trainer_from", "trainer_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    #: empty: the trainer's default rate; else an override for this class type
    class_type_id: Mapped[int | None] = mapped_column(ForeignKey("class_types.id"))
    basis: Mapped[PayBasis] = mapped_column(str_enum(PayBasis, "pay_basis"))
    #: per class or per hour, in minor units of `currency`
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    #: gym-local day from which it applies
    effective_from: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    class_type = relationship("ClassType")


class StatementStatus(enum.Enum):
    DRAFT = "draft"
    FINAL = "final"


class PayStatement(db.Model):
    """A trainer's pay for one month (gym-local): lines per session taught,
    adjustments, totals. A draft is recomputed on demand; a final one is
    frozen (corrections go to a later month as adjustments)."""

    __tablename__ = "pay_statements"
    __table_args__ = (
        db.UniqueConstraint("trainer_id", "month", name="uq_pay_statements_trainer_month"),
        CheckConstraint("(status = 'final') = (finalised_at IS NOT NULL)", name="finalised_at_set"),
        Index("ix_pay_statements_month", "month", "trainer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    #: the first day of the gym-local month
    month: Mapped[date]
    status: Mapped[StatementStatus] = mapped_column(
        str_enum(StatementStatus, "statement_status"), default=StatementStatus.DRAFT
    )
    currency: Mapped[str] = mapped_column(String(3))
    sessions: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=0)
    lines_minor: Mapped[int] = mapped_column(default=0)
    adjustments_minor: Mapped[int] = mapped_column(default=0)
    total_minor: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utc_now)
    finalised_at: Mapped[datetime | None]
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    trainer = relationship("Trainer", lazy="joined", innerjoin=True)

    @property
    def is_final(self) -> bool:
        return self.status is StatementStatus.FINAL


class PayLine(db.Model):
    """One session taught, as the statement priced it (copied, so a frozen
    statement never changes when the class or the rate does)."""

    __tablename__ = "pay_statement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("pay_statements.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("class_sessions.id"))
    starts_at: Mapped[datetime]
    class_name: Mapped[str] = mapped_column(String(80))
    minutes: Mapped[int]
    attended: Mapped[int] = mapped_column(default=0)
    booked: Mapped[int] = mapped_column(default=0)
    basis: Mapped[PayBasis] = mapped_column(str_enum(PayBasis, "pay_basis"))
    rate_minor: Mapped[int]
    amount_minor: Mapped[int]


class PayAdjustment(db.Model):
    """An admin's correction to a draft statement, plus or minus, with why."""

    __tablename__ = "pay_adjustments"
    __table_args__ = (CheckConstraint("amount_minor <> 0", name="amount_not_zero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("pay_statements.id"), index=True)
    amount_minor: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
