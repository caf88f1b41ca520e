"""Members' support tickets and the replies on them."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class TicketCategory(enum.Enum):
    BILLING = "billing"
    CLASSES = "classes"
    FACILITIES = "facilities"
    ACCOUNT = "account"
    OTHER = "other"


class TicketStatus(enum.Enum):
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


class SupportTicket(db.Model):
    """A member's question or problem; staff answer it and move its status."""

    __tablename__ = "support_tickets"
    __table_args__ = (
        CheckConstraint("length(subject) > 0", name="subject_not_empty"),
        Index("ix_support_tickets_member", "member_id", "id"),
        Index("ix_support_tickets_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[TicketCategory] = mapped_column(str_enum(TicketCategory, "ticket_category"))
    subject: Mapped[str] = mapped_column(String(120))
    status: Mapped[TicketStatus] = mapped_column(
        str_enum(TicketStatus, "ticket_status"), default=TicketStatus.OPEN
    )
    #: the staff user (admin, front desk or trainer) looking after it
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)

    member = relationship("User", foreign_keys=[member_id], lazy="joined", innerjoin=True)
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined")


class TicketReply(db.Model):
    """The member's first message, later replies, and staff's internal notes."""

    __tablename__ = "support_ticket_replies"
    __table_args__ = (
        CheckConstraint("length(body) > 0", name="body_not_empty"),
        Index("ix_support_ticket_replies_ticket", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("support_tickets.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    #: staff only: never shown to the member
    internal: Mapped[bool] = mapped_column(default=False)
    #: an optional photo (path under UPLOAD_FOLDER), checked by app.core.uploads
    photo_path: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    author = relationship("User", foreign_keys=[author_id], lazy="joined", innerjoin=True)
