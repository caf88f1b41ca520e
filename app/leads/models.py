"""A lead: someone who asked to join, and how the follow-up goes."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class LeadStatus(enum.Enum):
    NEW = "new"
    CONTACTED = "contacted"
    TRIAL = "trial"
    CONVERTED = "converted"
    LOST = "lost"


class Interest(enum.Enum):
    MEMBERSHIP = "membership"
    CLASSES = "classes"
    PERSONAL_TRAINING = "personal_training"
    OTHER = "other"


class Lead(db.Model):
    __tablename__ = "leads"
    __table_args__ = (Index("ix_leads_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    interest: Mapped[Interest] = mapped_column(str_enum(Interest, "lead_interest"))
    message: Mapped[str | None] = mapped_column(Text)
    #: the language the applicant used at /join: their acknowledgement's
    language: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[LeadStatus] = mapped_column(
        str_enum(LeadStatus, "lead_status"), default=LeadStatus.NEW
    )
    lost_reason: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    next_follow_up: Mapped[date | None]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime | None]

    assignee = relationship("User", foreign_keys=[assignee_id])
    member = relationship("User", foreign_keys=[member_id])
