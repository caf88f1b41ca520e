"""Check-ins and the log of every scan at the door.

A check-in belongs to one booking (unique), so a member is checked in to a
class once however many times their code is scanned. Undoing a check-in
deletes the row; the audit log keeps the story.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class CheckInMethod(enum.Enum):
    QR = "qr"  #: the member's QR code, read by a camera
    CODE = "code"  #: the short code under the QR, typed in
    LIST = "list"  #: one tap on the attendance list
    WALK_IN = "walk_in"  #: booked and checked in at the door
    DOOR = "door"  #: the member's own app read the door code (self check-in)


class CheckIn(db.Model):
    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: after the grace period from the class's start
    is_late: Mapped[bool] = mapped_column(default=False)
    method: Mapped[CheckInMethod] = mapped_column(str_enum(CheckInMethod, "check_in_method"))
    #: the trainer or desk account that checked them in
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    booking = relationship("Booking")
    member = relationship("User", foreign_keys=[member_id])


class ScanResult(enum.Enum):
    CHECKED_IN = "checked_in"
    LATE = "late"
    ALREADY = "already"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    NOT_TODAY = "not_today"
    TOO_EARLY = "too_early"
    EXPIRED = "expired"
    WRONG_SESSION = "wrong_session"
    NOT_YOURS = "not_yours"
    #: self check-in: a genuine door code, but too old (a photo of the screen)
    CODE_EXPIRED = "code_expired"
    #: self check-in: the member has no booking open for check-in now
    NO_BOOKING = "no_booking"
    #: self check-in: the room's display, but the member's class is in another room
    WRONG_ROOM = "wrong_room"

    @property
    def ok(self) -> bool:
        return self in (ScanResult.CHECKED_IN, ScanResult.LATE)


class ScanAttempt(db.Model):
    """One scan or typed code at a scanner, good or bad."""

    __tablename__ = "scan_attempts"
    __table_args__ = (Index("ix_scan_attempts_device_at", "device", "scanned_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scanned_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    #: the staff account scanning, or the member checking themselves in
    scanner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the scanner's device cookie (random), or its IP address without one;
    #: "door:<location>" when a member's app read a door code
    device: Mapped[str] = mapped_column(String(64))
    #: the class the scanner was open for, if any
    session_id: Mapped[int | None] = mapped_column(ForeignKey("class_sessions.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    method: Mapped[CheckInMethod] = mapped_column(str_enum(CheckInMethod, "check_in_method"))
    result: Mapped[ScanResult] = mapped_column(str_enum(ScanResult, "scan_result"))
    #: the start of what was read, for telling a stranger's QR from a typo
    text: Mapped[str] = mapped_column(String(40), default="")

    scanner = relationship("User")
    booking = relationship("Booking")
