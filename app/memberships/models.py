"""Plans, memberships, credit lots and the append-only credit ledger.

Credits are counted in hundredths (`*_cc`, "centi-credits"): a 50 % refund of
one credit is exactly 50, and a member sees "0.5 credits".
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db

CC = 100  # centi-credits in one credit


class PlanInterval(enum.Enum):
    MONTH = "month"
    YEAR = "year"
    NONE = "none"


class PlanKind(enum.Enum):
    UNLIMITED = "unlimited"
    CREDITS = "credits"


class Plan(db.Model):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint(
            "(kind = 'credits') = (credits_cc IS NOT NULL AND credits_cc > 0"
            " AND valid_days IS NOT NULL AND valid_days > 0)",
            name="credit_pack_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    price_minor: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="MXN")
    interval: Mapped[PlanInterval] = mapped_column(
        str_enum(PlanInterval, "plan_interval"), default=PlanInterval.MONTH
    )
    kind: Mapped[PlanKind] = mapped_column(str_enum(PlanKind, "plan_kind"))
    #: credits a pack grants, in hundredths
    credits_cc: Mapped[int | None]
    #: days a pack's credits stay valid
    valid_days: Mapped[int | None]
    perks: Mapped[list] = mapped_column(db.JSON, default=list)
    #: facilities included, e.g. ["sauna", "pool"]
    entitlements: Mapped[list] = mapped_column(db.JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)


class MembershipStatus(enum.Enum):
    ACTIVE = "active"
    PAST_DUE = "past_due"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        Index("ix_memberships_member_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus, "membership_status"), default=MembershipStatus.ACTIVE
    )
    #: local dates, inclusive
    period_start: Mapped[date]
    period_end: Mapped[date]
    renews_on: Mapped[date | None]
    #: how it was paid, e.g. "paid, see invoice" (the invoice has the details)
    payment_note: Mapped[str] = mapped_column(String(120), default="")
    #: why an admin gave it free; None when it was paid for
    complimentary_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    cancelled_at: Mapped[datetime | None]

    plan: Mapped[Plan] = relationship(lazy="joined", innerjoin=True)
    member = relationship("User")

    @property
    def is_complimentary(self) -> bool:
        return self.complimentary_reason is not None

    def covers(self, day: date) -> bool:
        return (
            self.status is MembershipStatus.ACTIVE and self.period_start <= day <= self.period_end
        )


class LotSource(enum.Enum):
    PURCHASE = "purchase"
    ADJUSTMENT = "adjustment"


class CreditLot(db.Model):
    """Credits granted together, spent first-expiring-first."""

    __tablename__ = "credit_lots"
    __table_args__ = (
        CheckConstraint("granted_cc > 0", name="granted_positive"),
        CheckConstraint("remaining_cc >= 0", name="remaining_not_negative"),
        Index("ix_credit_lots_member_expires", "member_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[LotSource] = mapped_column(str_enum(LotSource, "lot_source"))
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    granted_cc: Mapped[int]
    #: kept equal to the sum of the lot's ledger allocations (`flask credits check`)
    remaining_cc: Mapped[int]
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: why an admin gave a pack free; None when it was paid for (or adjusted)
    complimentary_reason: Mapped[str | None] = mapped_column(String(300))

    @property
    def is_complimentary(self) -> bool:
        return self.complimentary_reason is not None


class EntryKind(enum.Enum):
    PURCHASE = "purchase"
    SPEND = "spend"
    REFUND = "refund"
    FORFEIT = "forfeit"
    EXPIRY = "expiry"
    ADJUSTMENT = "adjustment"


class LedgerEntry(db.Model):
    """One change to a member's credits; never updated or deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # a booking has at most one spend, and a spend at most one refund/forfeit
        Index(
            "uq_ledger_entries_spend_booking",
            "booking_id",
            unique=True,
            postgresql_where=text("kind = 'spend'"),
            sqlite_where=text("kind = 'spend'"),
        ),
        Index("uq_ledger_entries_settles", "settles_entry_id", unique=True),
        Index("ix_ledger_entries_member", "member_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, "entry_kind"))
    #: signed hundredths: + adds credits, - takes them
    amount_cc: Mapped[int]
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    #: for refund/forfeit: the spend entry it settles
    settles_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    allocations: Mapped[list["LedgerAllocation"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan"
    )


class LedgerAllocation(db.Model):
    """How much of an entry landed in (or came out of) which lot."""

    __tablename__ = "ledger_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("credit_lots.id"), index=True)
    amount_cc: Mapped[int]

    entry: Mapped[LedgerEntry] = relationship(back_populates="allocations")
    lot: Mapped[CreditLot] = relationship()
