"""A trainer's profile beside their account, and their certifications."""

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import utc_now
from app.extensions import db


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Trainer(db.Model):
    """Who teaches; the account (name, email, phone, photo) is `user`."""

    __tablename__ = "trainers"
    __table_args__ = (
        CheckConstraint("hourly_rate_minor >= 0", name="rate_not_negative"),
        CheckConstraint(
            "one_to_one_audience IN ('anyone', 'clients')", name="one_to_one_audience_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    #: short labels, e.g. ["yoga", "strength"]
    specialties: Mapped[list] = mapped_column(db.JSON, default=list)
    #: no longer read or written: pay rates live in trainer_pay_rates (app.staff);
    #: migration 0022_pay copied each value there. Kept until a migration can
    #: rebuild this table on SQLite (other tables' foreign keys point at it).
    hourly_rate_minor: Mapped[int] = mapped_column(default=0)
    #: inactive trainers keep their history but get no new sessions
    is_active: Mapped[bool] = mapped_column(default=True)
    #: secret in the trainer's iCal feed URL; calendar apps cannot sign in
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_calendar_token)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: who may book a 1:1 from the trainer's free slots: 'anyone' or 'clients'
    one_to_one_audience: Mapped[str] = mapped_column(String(10), default="anyone")

    user = relationship("User", lazy="joined", innerjoin=True)
    certifications: Mapped[list["Certification"]] = relationship(
        back_populates="trainer", order_by="Certification.id", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        return self.user.name


class Certification(db.Model):
    """An uploaded certificate (PDF or image) a trainer holds."""

    __tablename__ = "trainer_certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    #: path under UPLOAD_FOLDER
    file_path: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utc_now)

    trainer: Mapped[Trainer] = relationship(back_populates="certifications")


class ClientAssignment(db.Model):
    """A member's assigned trainer, set by the desk: one per member, or none.

    The trainer's "clients" are the members assigned to them.
    """

    __tablename__ = "trainer_clients"

    #: the member's account; at most one assigned trainer each
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utc_now)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    trainer: Mapped[Trainer] = relationship(lazy="joined", innerjoin=True)


class ClientNote(db.Model):
    """A trainer's private note about a client; the member never sees it, nor
    does any other trainer."""

    __tablename__ = "trainer_client_notes"
    __table_args__ = (
        CheckConstraint("length(body) > 0", name="body_not_empty"),
        Index("ix_trainer_client_notes_trainer_member", "trainer_id", "member_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime | None]
