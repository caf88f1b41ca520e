"""Rooms, class types, timetable entries and the sessions they generate."""

import enum
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    capacity: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)


class Difficulty(enum.Enum):
    ALL_LEVELS = "all_levels"
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class ClassType(db.Model):
    """A kind of class ("Morning Strength", 60 min, 12 people) that sessions copy."""

    __tablename__ = "class_types"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("default_capacity > 0", name="capacity_positive"),
        CheckConstraint("credits_required >= 0", name="credits_not_negative"),
        CheckConstraint("NOT is_one_to_one OR default_capacity = 1", name="one_to_one_alone"),
        CheckConstraint("buffer_minutes >= 0", name="buffer_not_negative"),
        CheckConstraint("notice_minutes >= 0", name="notice_not_negative"),
        CheckConstraint("horizon_days > 0", name="horizon_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: e.g. ["strength", "cardio"]
    tags: Mapped[list] = mapped_column(db.JSON, default=list)
    #: "#rrggbb", used on calendars
    colour: Mapped[str] = mapped_column(String(7), default="#206bc4")
    duration_minutes: Mapped[int] = mapped_column(default=60)
    default_capacity: Mapped[int] = mapped_column(default=12)
    credits_required: Mapped[int] = mapped_column(default=1)
    difficulty: Mapped[Difficulty] = mapped_column(
        str_enum(Difficulty, "difficulty"), default=Difficulty.ALL_LEVELS
    )
    default_trainer_id: Mapped[int | None] = mapped_column(ForeignKey("trainers.id"))
    default_room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    #: inactive types are hidden from members and get no new sessions
    is_active: Mapped[bool] = mapped_column(default=True)
    #: booking opens this many hours before start; None: the gym's default
    booking_opens_hours: Mapped[int | None]
    #: booking closes this many minutes before start; None: the gym's default
    booking_closes_minutes: Mapped[int | None]
    #: a 1:1: members book it from a trainer's free slots, one person each
    is_one_to_one: Mapped[bool] = mapped_column(default=False)
    #: 1:1 only: minutes kept free before and after the trainer's other sessions
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    #: 1:1 only: a slot must start at least this many minutes from now
    notice_minutes: Mapped[int] = mapped_column(default=120)
    #: 1:1 only: slots are offered this many days ahead
    horizon_days: Mapped[int] = mapped_column(default=14)

    default_trainer = relationship("Trainer")
    default_room = relationship(Room)


class TimetableEntry(db.Model):
    """A recurring slot: "Yoga, Monday and Wednesday 7:00, Carla, Studio A"."""

    __tablename__ = "timetable_entries"
    __table_args__ = (
        CheckConstraint("weekdays > 0 AND weekdays < 128", name="weekdays_bitmask"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_type_id: Mapped[int] = mapped_column(ForeignKey("class_types.id"), index=True)
    #: bit 0 is Monday ... bit 6 is Sunday
    weekdays: Mapped[int]
    #: wall-clock start in the gym's time zone
    start_time: Mapped[time]
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    #: overrides the class type's default capacity when set
    capacity: Mapped[int | None]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    class_type: Mapped[ClassType] = relationship(lazy="joined", innerjoin=True)
    trainer = relationship("Trainer", lazy="joined", innerjoin=True)
    room: Mapped[Room] = relationship(lazy="joined", innerjoin=True)

    def runs_on(self, day: date) -> bool:
        in_range = self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
        return in_range and bool(self.weekdays & (1 << day.weekday()))


class SessionStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class SessionState(enum.Enum):
    """What a session is now: its stored status read against the clock."""

    DRAFT = "draft"
    PUBLISHED = "published"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ClassSession(db.Model):
    """One class on one day: its own time, trainer, room and capacity."""

    __tablename__ = "class_sessions"
    __table_args__ = (
        # a timetable entry makes at most one session per local day: generation is idempotent
        UniqueConstraint("timetable_entry_id", "occurs_on", name="uq_class_sessions_entry_day"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_at_set"
        ),
        Index("ix_class_sessions_trainer_starts", "trainer_id", "starts_at"),
        Index("ix_class_sessions_room_starts", "room_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_type_id: Mapped[int] = mapped_column(ForeignKey("class_types.id"), index=True)
    timetable_entry_id: Mapped[int | None] = mapped_column(ForeignKey("timetable_entries.id"))
    #: the local (gym time zone) date it was generated for
    occurs_on: Mapped[date]
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    capacity: Mapped[int]
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus, "session_status"), default=SessionStatus.PUBLISHED, index=True
    )
    #: set when a person changed this session by hand; regeneration leaves it alone
    is_customised: Mapped[bool] = mapped_column(default=False)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    class_type: Mapped[ClassType] = relationship(lazy="joined", innerjoin=True)
    trainer = relationship("Trainer", lazy="joined", innerjoin=True)
    room: Mapped[Room] = relationship(lazy="joined", innerjoin=True)
    timetable_entry: Mapped[TimetableEntry | None] = relationship()

    def state_at(self, now: datetime) -> SessionState:
        if self.status is SessionStatus.CANCELLED:
            return SessionState.CANCELLED
        if self.status is SessionStatus.DRAFT:
            return SessionState.DRAFT
        if now >= self.ends_at:
            return SessionState.COMPLETED
        if now >= self.starts_at:
            return SessionState.IN_PROGRESS
        return SessionState.PUBLISHED

    @property
    def state(self) -> SessionState:
        return self.state_at(utc_now())

    @property
    def is_cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED
