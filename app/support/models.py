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


class IncidentKind(enum.Enum):
    EQUIPMENT = "equipment"
    CLIENT = "client"
    SESSION_NOTE = "session_note"


class Severity(enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Incident(db.Model):
    """Something staff saw: broken equipment, a client's incident, a session note.

    A client incident is seen by admins and its reporter only."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("length(description) > 0", name="description_not_empty"),
        Index("ix_incidents_reporter", "reporter_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(str_enum(IncidentKind, "incident_kind"))
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, "incident_severity"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(Text)
    #: equipment: its name, and whether it is out of service
    equipment_name: Mapped[str | None] = mapped_column(String(120))
    out_of_service: Mapped[bool] = mapped_column(default=False)
    #: client incident: the member, the session if any, first aid given
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("class_sessions.id"))
    first_aid: Mapped[bool] = mapped_column(default=False)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    reporter = relationship("User", foreign_keys=[reporter_id], lazy="joined", innerjoin=True)
    member = relationship("User", foreign_keys=[member_id], lazy="joined")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined")
