"""Staff tables: availability, leave and cover, pay.

One section per part; each keeps to its own.
"""

import enum
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db

# -- availability and 1:1 slots ----------------------------------------------
#
# weekly availability blocks and dated exceptions
#


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
