"""Programs tables: exercises, programs and their lines, assignments, logs,
diet charts.

A program with no member is a trainer's template; assigning one copies it
(days and lines) into a program of the member's own, so the trainer can
tailor the copy and the template stays as it was. A logged set copies the
prescription it answered, so later edits of the program never change
history. Weights are kept in grams (exact, no decimals); no weight on a line
means bodyweight.
"""

import enum
from datetime import date, datetime, time

from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import str_enum, utc_now
from app.extensions import db


class MuscleGroup(enum.Enum):
    CHEST = "chest"
    BACK = "back"
    SHOULDERS = "shoulders"
    ARMS = "arms"
    LEGS = "legs"
    GLUTES = "glutes"
    CORE = "core"
    FULL_BODY = "full_body"
    CARDIO = "cardio"

    @property
    def label(self):
        return MUSCLE_GROUP_LABELS[self]


MUSCLE_GROUP_LABELS = {
    MuscleGroup.CHEST: _l("Chest"),
    MuscleGroup.BACK: lazy_pgettext("muscle group", "Back"),
    MuscleGroup.SHOULDERS: _l("Shoulders"),
    MuscleGroup.ARMS: _l("Arms"),
    MuscleGroup.LEGS: _l("Legs"),
    MuscleGroup.GLUTES: _l("Glutes"),
    MuscleGroup.CORE: _l("Core"),
    MuscleGroup.FULL_BODY: _l("Full body"),
    MuscleGroup.CARDIO: _l("Cardio"),
}


class Equipment(enum.Enum):
    BARBELL = "barbell"
    DUMBBELL = "dumbbell"
    KETTLEBELL = "kettlebell"
    MACHINE = "machine"
    CABLE = "cable"
    BAND = "band"
    BODYWEIGHT = "bodyweight"
    OTHER = "other"

    @property
    def label(self):
        return EQUIPMENT_LABELS[self]


EQUIPMENT_LABELS = {
    Equipment.BARBELL: _l("Barbell"),
    Equipment.DUMBBELL: _l("Dumbbells"),
    Equipment.KETTLEBELL: _l("Kettlebell"),
    Equipment.MACHINE: _l("Machine"),
    Equipment.CABLE: _l("Cable"),
    Equipment.BAND: _l("Resistance band"),
    Equipment.BODYWEIGHT: _l("Bodyweight"),
    Equipment.OTHER: _l("Other"),
}


class Exercise(db.Model):
    """One movement of the library, named in English and Spanish."""

    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120), unique=True)
    name_es: Mapped[str] = mapped_column(String(120))
    muscle_group: Mapped[MuscleGroup] = mapped_column(str_enum(MuscleGroup, "muscle_group"))
    equipment: Mapped[Equipment] = mapped_column(str_enum(Equipment, "exercise_equipment"))
    instructions: Mapped[str] = mapped_column(Text, default="")
    #: path under UPLOAD_FOLDER of its picture (a 512×512 JPEG), if any
    image_path: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        locale = get_locale()
        if locale is not None and locale.language == "es" and self.name_es:
            return self.name_es
        return self.name_en


class ProgramStatus(enum.Enum):
    #: a trainer's template: no member
    TEMPLATE = "template"
    #: the member's current program (at most one each)
    ACTIVE = "active"
    #: replaced by a later one, or ended by the trainer
    ENDED = "ended"


class Program(db.Model):
    """A weekly plan of workout days, as a template or a member's own copy."""

    __tablename__ = "programs"
    __table_args__ = (
        CheckConstraint("weeks BETWEEN 1 AND 52", name="weeks_in_range"),
        CheckConstraint(
            "(member_id IS NULL) = (status = 'template')", name="member_unless_template"
        ),
        CheckConstraint("(member_id IS NULL) = (starts_on IS NULL)", name="start_with_member"),
        # one active program per member
        Index(
            "uq_programs_one_active",
            "member_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
        Index("ix_programs_trainer_status", "trainer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the trainer who wrote it (and whose client the member is)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    #: the member's account; None for a template
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: the template it was copied from, if any
    source_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"))
    status: Mapped[ProgramStatus] = mapped_column(
        str_enum(ProgramStatus, "program_status"), default=ProgramStatus.TEMPLATE
    )
    name: Mapped[str] = mapped_column(String(120))
    goal: Mapped[str] = mapped_column(String(500), default="")
    weeks: Mapped[int] = mapped_column(default=4)
    #: gym-local day the member starts; week 1 is its first 7 days
    starts_on: Mapped[date | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    trainer = relationship("Trainer", lazy="joined", innerjoin=True)
    member = relationship("User", foreign_keys=[member_id])
    days: Mapped[list["ProgramDay"]] = relationship(
        back_populates="program", order_by="ProgramDay.position", cascade="all, delete-orphan"
    )

    @property
    def is_template(self) -> bool:
        return self.status is ProgramStatus.TEMPLATE


class ProgramDay(db.Model):
    """One workout of the week ("Day 1 – Push"), done in order."""

    __tablename__ = "program_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(80))

    program: Mapped[Program] = relationship(back_populates="days")
    lines: Mapped[list["ProgramLine"]] = relationship(
        back_populates="day", order_by="ProgramLine.position", cascade="all, delete-orphan"
    )


class ProgramLine(db.Model):
    """An exercise of a day: sets × reps (a number, a range or seconds),
    weight (grams; None is bodyweight), rest, note. Consecutive lines with
    the same `superset` label are done as a superset."""

    __tablename__ = "program_lines"
    __table_args__ = (
        CheckConstraint("sets BETWEEN 1 AND 50", name="sets_in_range"),
        CheckConstraint("(reps_min IS NULL) <> (seconds IS NULL)", name="reps_or_seconds"),
        CheckConstraint("reps_min IS NULL OR reps_min >= 1", name="reps_positive"),
        CheckConstraint(
            "reps_max IS NULL OR (reps_min IS NOT NULL AND reps_max > reps_min)",
            name="reps_range_in_order",
        ),
        CheckConstraint("seconds IS NULL OR seconds >= 1", name="seconds_positive"),
        CheckConstraint(
            "weight_g IS NULL OR weight_g BETWEEN 0 AND 1000000", name="weight_in_range"
        ),
        CheckConstraint("rest_seconds >= 0", name="rest_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("program_days.id"), index=True)
    position: Mapped[int]
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"))
    sets: Mapped[int]
    #: reps, or the low end of a range (8 of 8–12); None for timed work
    reps_min: Mapped[int | None]
    #: the high end of a range, if one
    reps_max: Mapped[int | None]
    #: seconds of timed work (a plank); None when counted in reps
    seconds: Mapped[int | None]
    #: grams; None means bodyweight
    weight_g: Mapped[int | None]
    rest_seconds: Mapped[int] = mapped_column(default=60)
    #: a short label ("A") shared by consecutive lines done as a superset
    superset: Mapped[str] = mapped_column(String(4), default="")
    note: Mapped[str] = mapped_column(String(200), default="")

    day: Mapped[ProgramDay] = relationship(back_populates="lines")
    exercise: Mapped[Exercise] = relationship(lazy="joined", innerjoin=True)


class SetLog(db.Model):
    """One set a member did, with a copy of the prescription it answered."""

    __tablename__ = "program_set_logs"
    __table_args__ = (
        CheckConstraint("reps BETWEEN 1 AND 1000", name="reps_in_range"),
        CheckConstraint(
            "weight_g IS NULL OR weight_g BETWEEN 0 AND 1000000", name="weight_in_range"
        ),
        CheckConstraint("rpe IS NULL OR rpe BETWEEN 1 AND 10", name="rpe_in_range"),
        Index("ix_program_set_logs_member_day", "member_id", "performed_on"),
        Index("ix_program_set_logs_program_day", "program_id", "performed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    #: the line it answered; None once the trainer removed that line
    line_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_lines.id", ondelete="SET NULL"), index=True
    )
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"))
    #: gym-local day of the workout
    performed_on: Mapped[date]
    set_number: Mapped[int]
    #: reps done, or seconds held for timed work
    reps: Mapped[int]
    #: grams; None: bodyweight
    weight_g: Mapped[int | None]
    #: rate of perceived exertion, 1–10, if given
    rpe: Mapped[int | None]
    #: the prescription as it stood when logged
    day_name: Mapped[str] = mapped_column(String(80))
    prescribed_sets: Mapped[int]
    prescribed_reps_min: Mapped[int | None]
    prescribed_reps_max: Mapped[int | None]
    prescribed_seconds: Mapped[int | None]
    prescribed_weight_g: Mapped[int | None]
    logged_at: Mapped[datetime] = mapped_column(default=utc_now)

    exercise: Mapped[Exercise] = relationship(lazy="joined", innerjoin=True)


class DietChart(db.Model):
    """A diet plan a trainer writes for a member: targets, meals, notes.

    The member reads and prints it; there is no food logging. A member's
    current chart is their latest one not ended.
    """

    __tablename__ = "diet_charts"
    __table_args__ = (
        CheckConstraint("kcal BETWEEN 0 AND 10000", name="kcal_in_range"),
        CheckConstraint(
            "protein_g BETWEEN 0 AND 1000 AND carbs_g BETWEEN 0 AND 1000 "
            "AND fat_g BETWEEN 0 AND 1000",
            name="macros_in_range",
        ),
        Index("ix_diet_charts_member", "member_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    kcal: Mapped[int]
    protein_g: Mapped[int]
    carbs_g: Mapped[int]
    fat_g: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    trainer = relationship("Trainer", lazy="joined", innerjoin=True)
    meals: Mapped[list["DietMeal"]] = relationship(
        back_populates="chart", order_by="DietMeal.position", cascade="all, delete-orphan"
    )


class DietMeal(db.Model):
    """A meal of a diet chart, with its items: [{"food": …, "quantity": …}]."""

    __tablename__ = "diet_meals"

    id: Mapped[int] = mapped_column(primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("diet_charts.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(80))
    #: gym-local time of day, if the trainer gave one
    at: Mapped[time | None]
    items: Mapped[list] = mapped_column(db.JSON, default=list)

    chart: Mapped[DietChart] = relationship(back_populates="meals")
