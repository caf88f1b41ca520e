"""Forms for what sessions are made from: rooms, class types and timetable entries.

Field names match the names scheduling services give their errors
(`SchedulingError.field`), so `apply_error` puts a refusal under its field.
`values()` turns what was typed into what the services take (a weekday
bitmask, ids).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import ColorInput

from app.core.forms import ChoiceField, DateBounds, IdSelectField, strip
from app.core.i18n import gym_today
from app.scheduling import queries
from app.scheduling.forms.fields import (
    LENGTH,
    LocalDateField,
    LocalTimeField,
    TagsField,
    WeekdaysField,
    WholeNumberField,
    capacity_field,
    enum_value,
    party_fields,
)
from app.scheduling.models import Difficulty
from app.scheduling.rules import latest_schedule_day

DIFFICULTY_LABELS = {
    Difficulty.ALL_LEVELS: _l("All levels"),
    Difficulty.BEGINNER: _l("Beginner"),
    Difficulty.INTERMEDIATE: _l("Intermediate"),
    Difficulty.ADVANCED: _l("Advanced"),
}


# ---- rooms and class types --------------------------------------------------


class RoomForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the room's name.")), Length(max=80, message=LENGTH)],
        filters=[strip],
    )
    capacity = capacity_field(_l("Capacity"), required=True)
    is_active = BooleanField(_l("In use (new classes can be scheduled here)"), default=True)

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "capacity": self.capacity.data,
            "is_active": self.is_active.data,
        }


def _or(value, default):
    return default if value is None else value


class ClassTypeForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the class name.")), Length(max=80, message=LENGTH)],
        filters=[strip],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=2000, message=LENGTH)],
        filters=[strip],
    )
    tags = TagsField(
        _l("Tags"), description=_l("Separate tags with commas, e.g. strength, cardio.")
    )
    colour = StringField(
        _l("Colour on the calendar"),
        widget=ColorInput(),
        default="#206bc4",
        validators=[
            InputRequired(_l("Choose a colour.")),
            Regexp(r"^#[0-9a-f]{6}$", message=_l("Use a colour written like #1a2b3c.")),
        ],
        filters=[lambda value: value.strip().lower() if isinstance(value, str) else value],
    )
    duration_minutes = WholeNumberField(
        _l("Length (minutes)"),
        default=60,
        validators=[
            InputRequired(_l("Enter the length in minutes.")),
            NumberRange(min=5, max=600, message=_l("Enter between %(min)d and %(max)d minutes.")),
        ],
    )
    default_capacity = capacity_field(_l("Default capacity"), required=True, default=12)
    credits_required = WholeNumberField(
        _l("Credits per booking"),
        default=1,
        validators=[
            InputRequired(_l("Enter the credits a booking costs.")),
            NumberRange(min=0, max=100, message=_l("Enter between %(min)d and %(max)d.")),
        ],
    )
    difficulty = ChoiceField(
        _l("Difficulty"),
        coerce=enum_value,
        choices=lambda: [(level.value, label) for level, label in DIFFICULTY_LABELS.items()],
        default=Difficulty.ALL_LEVELS.value,
        invalid_message=_l("Choose a difficulty."),
    )
    default_trainer_id = IdSelectField(
        _l("Usual trainer"),
        blank_label=_l("None"),
        invalid_message=_l("Choose an active trainer."),
    )
    default_room_id = IdSelectField(
        _l("Usual room"), blank_label=_l("None"), invalid_message=_l("Choose an active room.")
    )
    booking_opens_hours = WholeNumberField(
        _l("Booking opens (hours before the class)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=8760, message=_l("Enter between %(min)d and %(max)d.")),
        ],
        description=_l("Leave blank for the gym's default."),
    )
    booking_closes_minutes = WholeNumberField(
        _l("Booking closes (minutes before the class)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=10080, message=_l("Enter between %(min)d and %(max)d.")),
        ],
        description=_l("Leave blank for the gym's default."),
    )
    is_active = BooleanField(_l("Offered (new sessions can be scheduled)"), default=True)
    is_one_to_one = BooleanField(_l("1:1 session (members book it from trainers' free times)"))
    buffer_minutes = WholeNumberField(
        _l("Buffer around the trainer's other sessions (minutes)"),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=240, message=_l("Enter between %(min)d and %(max)d.")),
        ],
    )
    notice_minutes = WholeNumberField(
        _l("Minimum notice (minutes)"),
        default=120,
        validators=[
            Optional(),
            NumberRange(min=0, max=10080, message=_l("Enter between %(min)d and %(max)d.")),
        ],
    )
    horizon_days = WholeNumberField(
        _l("Bookable up to (days ahead)"),
        default=14,
        validators=[
            Optional(),
            NumberRange(min=1, max=180, message=_l("Enter between %(min)d and %(max)d.")),
        ],
    )

    def load_options(self, class_type=None) -> None:
        self.default_trainer_id.set_options(
            queries.trainer_options(class_type and class_type.default_trainer_id)
        )
        self.default_room_id.set_options(
            queries.room_options(class_type and class_type.default_room_id)
        )

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "tags": self.tags.data,
            "colour": self.colour.data,
            "duration_minutes": self.duration_minutes.data,
            "default_capacity": self.default_capacity.data,
            "credits_required": self.credits_required.data,
            "difficulty": Difficulty(self.difficulty.data),
            "default_trainer_id": self.default_trainer_id.data,
            "default_room_id": self.default_room_id.data,
            "is_active": self.is_active.data,
            "booking_opens_hours": self.booking_opens_hours.data,
            "booking_closes_minutes": self.booking_closes_minutes.data,
            "is_one_to_one": self.is_one_to_one.data,
            # blank: the defaults (no buffer, two hours' notice, two weeks ahead)
            "buffer_minutes": _or(self.buffer_minutes.data, 0),
            "notice_minutes": _or(self.notice_minutes.data, 120),
            "horizon_days": _or(self.horizon_days.data, 14),
        }


# ---- the timetable ----------------------------------------------------------


#: a timetable runs from today to the schedule's horizon plus a year
_SCHEDULE_DAYS = DateBounds(earliest=gym_today, latest=latest_schedule_day)


class TimetableEntryForm(FlaskForm):
    class_type_id = IdSelectField(
        _l("Class type"), invalid_message=_l("Choose an active class type.")
    )
    weekdays = WeekdaysField(
        _l("Days"), validators=[InputRequired(_l("Choose at least one weekday."))]
    )
    start_time = LocalTimeField(
        _l("Start time"), validators=[InputRequired(_l("Enter the start time."))]
    )
    trainer_id, room_id = party_fields()
    capacity = capacity_field(
        _l("Capacity"), required=False, description=_l("Leave blank for the class type's.")
    )
    starts_on = LocalDateField(
        _l("First date"),
        validators=[InputRequired(_l("Enter the first date.")), _SCHEDULE_DAYS],
    )
    ends_on = LocalDateField(
        _l("Last date"),
        validators=[Optional(), _SCHEDULE_DAYS],
        description=_l("Leave blank to keep it going."),
    )
    is_active = BooleanField(_l("Running (sessions are generated)"), default=True)

    def load_options(self, entry=None) -> None:
        if entry is not None:  # dates already stored (a start in the past) may stay
            self.starts_on.saved_value, self.ends_on.saved_value = entry.starts_on, entry.ends_on
        self.weekdays.set_day_names()
        self.class_type_id.set_options(queries.class_type_options(entry and entry.class_type_id))
        self.trainer_id.set_options(queries.trainer_options(entry and entry.trainer_id))
        self.room_id.set_options(queries.room_options(entry and entry.room_id))

    def values(self) -> dict:
        return {
            "class_type_id": self.class_type_id.data,
            "weekdays": self.weekdays.bitmask,
            "start_time": self.start_time.data,
            "trainer_id": self.trainer_id.data,
            "room_id": self.room_id.data,
            "capacity": self.capacity.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "is_active": self.is_active.data,
        }
