"""Threads between one member and one trainer, their messages, attachments
and the reports people make about them."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class MessageThread(db.Model):
    """One member and one trainer talking; read-only once closed by staff."""

    __tablename__ = "message_threads"
    __table_args__ = (
        UniqueConstraint("member_id", "trainer_id", name="uq_message_threads_member_trainer"),
        CheckConstraint("member_unread >= 0 AND trainer_unread >= 0", name="unread_not_negative"),
        # the trainer's inbox and the member's list, newest conversation first
        Index("ix_message_threads_trainer_last", "trainer_id", "last_message_at"),
        Index("ix_message_threads_member_last", "member_id", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the member's account (users.id)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the trainer's profile (trainers.id); `trainer.user_id` is their account
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: when the newest message was sent (the inbox's order)
    last_message_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: the newest message's id, so a poll knows whether anything came
    last_message_id: Mapped[int | None]
    #: messages the member has not read yet (sent by the trainer)
    member_unread: Mapped[int] = mapped_column(default=0)
    #: messages the trainer has not read yet (sent by the member)
    trainer_unread: Mapped[int] = mapped_column(default=0)
    #: set when staff closed the thread after a report: read-only for both
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    member = relationship("User", foreign_keys=[member_id], lazy="joined", innerjoin=True)
    trainer = relationship("Trainer", lazy="joined", innerjoin=True)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def has_person(self, user_id: int) -> bool:
        return user_id in (self.member_id, self.trainer.user_id)


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_thread_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: plain text, at most 2,000 characters; "" when only attachments were sent
    body: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: set when staff hid it after a report: both people see "hidden by staff"
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    thread: Mapped[MessageThread] = relationship()
    sender = relationship("User", foreign_keys=[sender_id])
    attachments: Mapped[list["MessageAttachment"]] = relationship(
        back_populates="message", order_by="MessageAttachment.id", lazy="selectin"
    )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class MessageAttachment(db.Model):
    """A photo (re-encoded, metadata stripped) or PDF sent with a message."""

    __tablename__ = "message_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    #: path under UPLOAD_FOLDER ("messages/3f2a….jpg"), never under static/
    file_path: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int]
    #: the sender's file name, cleaned, shown as the link's text
    filename: Mapped[str] = mapped_column(String(120), default="")

    message: Mapped[Message] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ReportStatus(enum.Enum):
    OPEN = "open"
    DISMISSED = "dismissed"
    #: staff hid the message or closed the thread
    ACTED = "acted"


class MessageReport(db.Model):
    """Someone of a thread asked staff to look at a message."""

    __tablename__ = "message_reports"
    __table_args__ = (
        Index("ix_message_reports_status_id", "status", "id"),
        CheckConstraint("(status = 'open') = (resolved_at IS NULL)", name="resolved_unless_open"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus, "report_status"), default=ReportStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    message: Mapped[Message] = relationship()
    reporter = relationship("User", foreign_keys=[reporter_id])

    @property
    def is_open(self) -> bool:
        return self.status is ReportStatus.OPEN
