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
