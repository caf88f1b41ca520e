"""What people are told: notifications, their choices and push devices, and
every email the gym sends, with its delivery state."""

import enum
from datetime import datetime, time

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class EmailStatus(enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class SentEmail(db.Model):
    __tablename__ = "sent_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: makes a job that runs twice find the email it already made
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    language: Mapped[str] = mapped_column(String(5))
    template: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[EmailStatus] = mapped_column(
        str_enum(EmailStatus, "email_status"), default=EmailStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: template variables; cleared once sent, as they may hold a password or link
    context: Mapped[dict | None]
    #: kept only when no SMTP server is configured, so development can read it
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    sent_at: Mapped[datetime | None]

    user = relationship("User")


class Notification(db.Model):
    """Something a person was told: shown in their notification centre.

    Only the event and its parameters are kept; the text is made when it is
    shown, in the reader's language (`app.notifications.events`).
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_desc", "user_id", "id"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_group", "user_id", "group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    event: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    #: where opening it goes (a path inside the app)
    link: Mapped[str | None] = mapped_column(String(300))
    #: the sender's key: a second notification with the same key is dropped
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    #: items about one thing (a message thread), read together
    group: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    read_at: Mapped[datetime | None]

    user = relationship("User")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(db.Model):
    """A person's choices: channels turned off or on against the defaults,
    and quiet hours (gym time). No row: the defaults, no quiet hours."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: {event: {channel: bool}}, only where the person differs from the default
    choices: Mapped[dict] = mapped_column(db.JSON, default=dict)
    quiet_from: Mapped[time | None]
    quiet_until: Mapped[time | None]
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    @property
    def id(self) -> int:
        """The person's id (the audit log names a row by its id)."""
        return self.user_id


class PushSubscription(db.Model):
    """One device's Web Push subscription (its browser's endpoint and keys)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    #: the browser's public key (base64url) and auth secret (base64url)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    #: what the person sees in the device list ("Chrome on Android")
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_used_at: Mapped[datetime | None]
