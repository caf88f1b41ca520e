"""Holds, bookings, waitlist places and strikes.

A hold counts against capacity while `expires_at` is in the future and its
status is active, whether or not a job has looked at it (invariant 2).
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class HoldStatus(enum.Enum):
    ACTIVE = "active"
    CONFIRMED = "confirmed"
    RELEASED = "released"
    EXPIRED = "expired"


class Hold(db.Model):
    __tablename__ = "holds"
    __table_args__ = (Index("ix_holds_session_status", "session_id", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[HoldStatus] = mapped_column(
        str_enum(HoldStatus, "hold_status"), default=HoldStatus.ACTIVE
    )
    expires_at: Mapped[datetime]
    #: offered to the head of the waitlist (shorter, and emailed)
    is_priority: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    session = relationship("ClassSession")
    member = relationship("User")

    def is_live(self, now: datetime) -> bool:
        return self.status is HoldStatus.ACTIVE and self.expires_at > now


class BookingStatus(enum.Enum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        # one live booking per member and class; a cancelled one stays as history,
        # so each booking row has its own single spend and settlement
        Index(
            "uq_bookings_session_member_confirmed",
            "session_id",
            "member_id",
            unique=True,
            postgresql_where=text("status = 'confirmed'"),
            sqlite_where=text("status = 'confirmed'"),
        ),
        CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_at_set"
        ),
        Index("ix_bookings_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[BookingStatus] = mapped_column(
        str_enum(BookingStatus, "booking_status"), default=BookingStatus.CONFIRMED
    )
    #: the membership that let them in (unlimited plans spend no credits)
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    credits_cc: Mapped[int] = mapped_column(default=0)
    booked_at: Mapped[datetime] = mapped_column(default=utc_now)
    cancelled_at: Mapped[datetime | None]
    #: credits given back at cancellation, in hundredths
    refunded_cc: Mapped[int] = mapped_column(default=0)
    cancel_note: Mapped[str] = mapped_column(String(300), default="")
    #: the calendar file's SEQUENCE: raised on each change to the class (time,
    #: trainer, room) and on cancellation, so calendars take the newest
    ics_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: the class's time or trainer changed: until this instant (its new start)
    #: the member may cancel with every credit back and no strike
    free_cancel_until: Mapped[datetime | None]

    session = relationship("ClassSession")
    member = relationship("User")

    @property
    def is_active(self) -> bool:
        return self.status is BookingStatus.CONFIRMED


class WaitlistStatus(enum.Enum):
    WAITING = "waiting"
    OFFERED = "offered"
    PROMOTED = "promoted"
    LEFT = "left"
    LAPSED = "lapsed"


#: a place still in the line: waiting, or offered a spot
WAITLIST_OPEN = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
_OPEN_SQL = "status IN ('waiting', 'offered')"


class WaitlistEntry(db.Model):
    __tablename__ = "waitlist_entries"
    __table_args__ = (
        Index("ix_waitlist_session_status", "session_id", "status", "id"),
        # one open place per member and class (joiners share the class row's lock)
        Index(
            "uq_waitlist_open_place",
            "session_id",
            "member_id",
            unique=True,
            postgresql_where=text(_OPEN_SQL),
            sqlite_where=text(_OPEN_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[WaitlistStatus] = mapped_column(
        str_enum(WaitlistStatus, "waitlist_status"), default=WaitlistStatus.WAITING
    )
    #: the priority hold offered to this member, while status is offered
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    member = relationship("User")
    hold = relationship(Hold)


class StrikeKind(enum.Enum):
    LATE_CANCEL = "late_cancel"
    NO_SHOW = "no_show"


class Strike(db.Model):
    """A late cancellation or a no-show, counted for the booking block."""

    __tablename__ = "strikes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    kind: Mapped[StrikeKind] = mapped_column(str_enum(StrikeKind, "strike_kind"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ReminderKind(enum.Enum):
    DAY_BEFORE = "24h"
    HOUR_BEFORE = "1h"


class BookingReminder(db.Model):
    """A reminder handled for one booking and one start of its class.

    Unique on (booking, kind, start): the reminder job sends each once
    however often it runs, and a class moved to a new start gets fresh ones.
    """

    __tablename__ = "booking_reminders"
    __table_args__ = (
        UniqueConstraint(
            "booking_id", "kind", "starts_at", name="uq_booking_reminders_booking_kind_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    kind: Mapped[ReminderKind] = mapped_column(str_enum(ReminderKind, "reminder_kind"))
    #: the class's start the reminder was for
    starts_at: Mapped[datetime]
    #: False: due, but the booking was made after it was due (nothing sent)
    was_sent: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
