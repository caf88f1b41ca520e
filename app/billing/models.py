"""Payments, invoices and credit notes, the cash drawer, online orders and
the payment gateway's webhook events.

Money is an integer of minor units plus the currency code. Invoices are
numbered per series in an unbroken sequence (invariant 4): the next number
comes from the series row, locked inside the payment's transaction. An
issued invoice never changes; a refund or void issues a credit note, which
is an invoice of kind CREDIT_NOTE with negative lines referencing the first.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class PaymentMethod(enum.Enum):
    CASH = "cash"
    CARD = "card"  #: the card terminal at the desk
    TRANSFER = "transfer"
    ONLINE = "online"  #: through the payment gateway


class PaymentStatus(enum.Enum):
    PAID = "paid"
    REFUNDED = "refunded"  #: a credit note gave the money back
    VOIDED = "voided"  #: a credit note cancelled a mistaken payment


class ItemKind(enum.Enum):
    PLAN = "plan"  #: starts or renews a membership
    PACK = "pack"  #: a class pack: a credit lot
    DROP_IN = "drop_in"  #: one class, booked
    OTHER = "other"  #: a free-amount item with a description


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "(tendered_minor IS NULL) OR (tendered_minor >= amount_minor)", name="tendered_covers"
        ),
        Index("ix_payments_paid_at", "paid_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, "payment_method"))
    status: Mapped[PaymentStatus] = mapped_column(
        str_enum(PaymentStatus, "payment_status"), default=PaymentStatus.PAID
    )
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    #: cash handed over; the change due is tendered - amount
    tendered_minor: Mapped[int | None]
    paid_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: the desk account that took it; None for online payments
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: the gateway's reference (online), or the terminal's / bank's (desk)
    reference: Mapped[str] = mapped_column(String(120), default="")

    member = relationship("User", foreign_keys=[member_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    invoice = relationship(
        "Invoice",
        primaryjoin="and_(Invoice.payment_id == Payment.id, Invoice.kind == 'invoice')",
        uselist=False,
        viewonly=True,
    )

    @property
    def change_minor(self) -> int:
        return (self.tendered_minor or self.amount_minor) - self.amount_minor


class InvoiceKind(enum.Enum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceSeries(db.Model):
    """The next number of a series; locked to number an invoice."""

    __tablename__ = "invoice_series"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    next_number: Mapped[int] = mapped_column(default=1)


class Invoice(db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("series", "number"),
        CheckConstraint("total_minor = subtotal_minor + tax_minor", name="total_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvoiceKind] = mapped_column(str_enum(InvoiceKind, "invoice_kind"))
    series: Mapped[str] = mapped_column(String(10))
    number: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utc_now)
    issued_on: Mapped[date]
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: a credit note's invoice
    credits_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the staff account that issued it; None when a gateway payment did
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: seller and buyer as they were at issue (name, tax id, address, regime, use)
    seller: Mapped[dict] = mapped_column(db.JSON)
    buyer: Mapped[dict] = mapped_column(db.JSON)
    currency: Mapped[str] = mapped_column(String(3))
    tax_rate_bp: Mapped[int]
    prices_include_tax: Mapped[bool]
    subtotal_minor: Mapped[int]
    tax_minor: Mapped[int]
    total_minor: Mapped[int]
    #: the buyer's language, for the PDF and the email
    language: Mapped[str] = mapped_column(String(5))
    #: under UPLOAD_FOLDER, once the PDF job has rendered it
    pdf_path: Mapped[str | None] = mapped_column(String(255))

    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", lazy="selectin"
    )
    payment: Mapped[Payment] = relationship(foreign_keys=[payment_id])
    member = relationship("User", foreign_keys=[member_id])
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    credits_invoice: Mapped["Invoice | None"] = relationship(remote_side=[id])

    @property
    def label(self) -> str:
        return f"{self.series}-{self.number:06d}"


class InvoiceLine(db.Model):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        CheckConstraint("total_minor = subtotal_minor + tax_minor", name="line_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int]
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind, "item_kind"))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(default=1)
    #: the price as entered (with or without tax, by the invoice's setting)
    unit_price_minor: Mapped[int]
    subtotal_minor: Mapped[int]
    tax_minor: Mapped[int]
    total_minor: Mapped[int]
    #: what was sold, so a credit note can take it back
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("credit_lots.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class DrawerCount(db.Model):
    """End of day: the cash a staff member should have, and what they counted."""

    __tablename__ = "drawer_counts"
    __table_args__ = (UniqueConstraint("day", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expected_minor: Mapped[int]
    counted_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(Text, default="")
    counted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    counted_at: Mapped[datetime] = mapped_column(default=utc_now)

    staff = relationship("User", foreign_keys=[staff_id])
    counted_by = relationship("User", foreign_keys=[counted_by_id])

    @property
    def difference_minor(self) -> int:
        return self.counted_minor - self.expected_minor


class OrderStatus(enum.Enum):
    OPEN = "open"  #: waiting for the member at the gateway
    PENDING = "pending"  #: the gateway accepted it; money not settled yet
    PAID = "paid"
    DECLINED = "declined"
    EXPIRED = "expired"


class Order(db.Model):
    """A member's online purchase: a plan renewal or a class pack."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind, "item_kind"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[OrderStatus] = mapped_column(
        str_enum(OrderStatus, "order_status"), default=OrderStatus.OPEN
    )
    gateway: Mapped[str] = mapped_column(String(20))
    #: the gateway's checkout or payment id
    gateway_ref: Mapped[str] = mapped_column(String(120), unique=True)
    decline_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    settled_at: Mapped[datetime | None]
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)

    member = relationship("User")
    plan = relationship("Plan")
    payment: Mapped[Payment | None] = relationship()


class EventStatus(enum.Enum):
    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"


class WebhookEvent(db.Model):
    """A gateway event, stored before it is processed (by a job, with retries)."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("gateway", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(120))
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict] = mapped_column(db.JSON)
    status: Mapped[EventStatus] = mapped_column(
        str_enum(EventStatus, "webhook_event_status"), default=EventStatus.RECEIVED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    processed_at: Mapped[datetime | None]


class BillingProfile(db.Model):
    """A member's details for invoices addressed to them (Mexican CFDI fields)."""

    __tablename__ = "billing_profiles"

    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    tax_id: Mapped[str] = mapped_column(String(20), default="")
    #: SAT "régimen fiscal" code, e.g. 605
    fiscal_regime: Mapped[str] = mapped_column(String(10), default="")
    #: SAT "uso del CFDI" code, e.g. G03
    invoice_use: Mapped[str] = mapped_column(String(10), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
