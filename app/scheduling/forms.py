"""Forms of the back-office scheduling pages.

Field names match the names scheduling services give their errors
(`SchedulingError.field`), so `apply_error` puts a refusal under its field.
Dates and times are the gym's local wall clock; `values()` turns them into
what the services take (UTC instants, a weekday bitmask, ids).
"""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import ColorInput

from app.core.clock import local_to_utc
from app.core.forms import strip
from app.core.i18n import gym_zone
from app.scheduling import queries
from app.scheduling.form_fields import (
    ChoiceField,
    IdSelectField,
    LocalDateField,
    LocalTimeField,
    TagsField,
    WeekdaysField,
    WholeNumberField,
    enum_value,
)
from app.scheduling.models import Difficulty, SessionState, SessionStatus
from app.scheduling.services.sessions import REASON_MAX

MAX_CAPACITY = 1000

DIFFICULTY_LABELS = {
    Difficulty.ALL_LEVELS: _l("All levels"),
    Difficulty.BEGINNER: _l("Beginner"),
    Difficulty.INTERMEDIATE: _l("Intermediate"),
    Difficulty.ADVANCED: _l("Advanced"),
}
STATUS_LABELS = {
    SessionStatus.DRAFT: _l("Draft"),
    SessionStatus.PUBLISHED: _l("Published"),
    SessionStatus.CANCELLED: _l("Cancelled"),
}
STATE_LABELS = {
    SessionState.DRAFT: _l("Draft"),
    SessionState.PUBLISHED: _l("Scheduled"),
    SessionState.IN_PROGRESS: _l("In progress"),
    SessionState.COMPLETED: _l("Finished"),
    SessionState.CANCELLED: _l("Cancelled"),
}

CAPACITY_TOO_SMALL = _l("Capacity must be at least 1.")
TOO_BIG = _l("Enter at most %(max)d.")
LENGTH = _l("Use at most %(max)d characters.")
REASON_REQUIRED = _l("Give a reason; it is sent to the people in the class.")


def _capacity_field(label, *, required: bool, description="", default=None):
    first = InputRequired(_l("Enter the capacity.")) if required else Optional()
    return WholeNumberField(
        label,
        default=default,
        validators=[
            first,
            NumberRange(min=1, message=CAPACITY_TOO_SMALL),
            NumberRange(max=MAX_CAPACITY, message=TOO_BIG),
        ],
        description=description,
    )


def _reason_field(*, required: bool = True):
    first = DataRequired(REASON_REQUIRED) if required else Optional()
    return TextAreaField(
        _l("Reason"),
        validators=[first, Length(max=REASON_MAX, message=LENGTH)],
        filters=[strip],
        description=_l("Sent to everyone in the class."),
    )


def _local_instant(day: date | None, at: time | None) -> datetime | None:
    if day is None or at is None:
        return None
    return local_to_utc(day, at, gym_zone())


# ---- rooms and class types --------------------------------------------------


class RoomForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the room's name.")), Length(max=80, message=LENGTH)],
        filters=[strip],
    )
    capacity = _capacity_field(_l("Capacity"), required=True)
    is_active = BooleanField(_l("In use (new classes can be scheduled here)"), default=True)

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "capacity": self.capacity.data,
            "is_active": self.is_active.data,
        }


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
    default_capacity = _capacity_field(_l("Default capacity"), required=True, default=12)
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
        }


# ---- the timetable ----------------------------------------------------------


def _party_fields(*, blank_label=None):
    """Class type, trainer and room selects (blank allowed when `blank_label`)."""
    return (
        IdSelectField(
            _l("Trainer"), blank_label=blank_label, invalid_message=_l("Choose an active trainer.")
        ),
        IdSelectField(
            _l("Room"), blank_label=blank_label, invalid_message=_l("Choose an active room.")
        ),
    )


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
    trainer_id, room_id = _party_fields()
    capacity = _capacity_field(
        _l("Capacity"), required=False, description=_l("Leave blank for the class type's.")
    )
    starts_on = LocalDateField(
        _l("First date"), validators=[InputRequired(_l("Enter the first date."))]
    )
    ends_on = LocalDateField(
        _l("Last date"), validators=[Optional()], description=_l("Leave blank to keep it going.")
    )
    is_active = BooleanField(_l("Running (sessions are generated)"), default=True)

    def load_options(self, entry=None) -> None:
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


# ---- single sessions --------------------------------------------------------


class _WhenFields(FlaskForm):
    """A local day with start and end times; errors land on `starts_at`/`ends_at`."""

    day = LocalDateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    starts_at = LocalTimeField(
        _l("Start time"), validators=[InputRequired(_l("Enter the start time."))]
    )

    def show_times(self, session) -> None:
        """Fill the fields from `session`, in the gym's time zone."""
        zone = gym_zone()
        start = session.starts_at.astimezone(zone)
        self.day.data, self.starts_at.data = start.date(), start.time().replace(second=0)
        if hasattr(self, "ends_at"):
            self.ends_at.data = session.ends_at.astimezone(zone).time().replace(second=0)

    def instants(self, session=None) -> tuple[datetime | None, datetime | None]:
        """(starts_at, ends_at) in UTC; an unchanged time keeps `session`'s exact instant."""
        starts_at = _local_instant(self.day.data, self.starts_at.data)
        end_time = self.ends_at.data if hasattr(self, "ends_at") else None
        ends_at = _local_instant(self.day.data, end_time)
        if session is not None:
            if starts_at == session.starts_at.replace(second=0, microsecond=0):
                starts_at = session.starts_at
            if ends_at == session.ends_at.replace(second=0, microsecond=0):
                ends_at = session.ends_at
        return starts_at, ends_at


def _status_field():
    return ChoiceField(
        _l("Visibility"),
        coerce=enum_value,
        choices=lambda: [
            (SessionStatus.PUBLISHED.value, _l("Published: members can see and book it")),
            (SessionStatus.DRAFT.value, _l("Draft: only staff can see it")),
        ],
        default=SessionStatus.PUBLISHED.value,
        invalid_message=_l("Choose published or draft."),
    )


class SessionForm(_WhenFields):
    """A one-off session; blanks take the class type's defaults."""

    class_type_id = IdSelectField(
        _l("Class type"), invalid_message=_l("Choose an active class type.")
    )
    ends_at = LocalTimeField(
        _l("End time"), validators=[Optional()], description=_l("Leave blank for the usual length.")
    )
    trainer_id, room_id = _party_fields(blank_label=_l("The class type's usual"))
    capacity = _capacity_field(
        _l("Capacity"), required=False, description=_l("Leave blank for the class type's.")
    )
    status = _status_field()

    def load_options(self) -> None:
        self.class_type_id.set_options(queries.class_type_options())
        self.trainer_id.set_options(queries.trainer_options())
        self.room_id.set_options(queries.room_options())

    def values(self) -> dict:
        starts_at, ends_at = self.instants()
        return {
            "class_type_id": self.class_type_id.data,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "trainer_id": self.trainer_id.data,
            "room_id": self.room_id.data,
            "capacity": self.capacity.data,
            "status": SessionStatus(self.status.data),
        }


class SessionEditForm(_WhenFields):
    ends_at = LocalTimeField(_l("End time"), validators=[InputRequired(_l("Enter the end time."))])
    trainer_id, room_id = _party_fields()
    capacity = _capacity_field(_l("Capacity"), required=True)
    status = _status_field()
    reason = _reason_field(required=False)

    def load_options(self, session) -> None:
        self.trainer_id.set_options(queries.trainer_options(session.trainer_id))
        self.room_id.set_options(queries.room_options(session.room_id))

    def values(self, session) -> dict:
        starts_at, ends_at = self.instants(session)
        return {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "trainer_id": self.trainer_id.data,
            "room_id": self.room_id.data,
            "capacity": self.capacity.data,
            "status": SessionStatus(self.status.data),
            "reason": self.reason.data or "",
        }


class RescheduleForm(_WhenFields):
    reason = _reason_field()


class CancelForm(FlaskForm):
    reason = _reason_field()


# ---- filters ----------------------------------------------------------------


class SessionFilterForm(FlaskForm):
    """The session list's filters (GET; a bad value is shown and ignored)."""

    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), validators=[Optional()])
    date_to = LocalDateField(_l("Until"), validators=[Optional()])
    trainer = IdSelectField(
        _l("Trainer"), blank_label=_l("All trainers"), invalid_message=_l("Choose a trainer.")
    )
    room = IdSelectField(
        _l("Room"), blank_label=_l("All rooms"), invalid_message=_l("Choose a room.")
    )
    class_type = IdSelectField(
        _l("Class type"),
        blank_label=_l("All class types"),
        invalid_message=_l("Choose a class type."),
    )
    status = ChoiceField(
        _l("Status"),
        coerce=str,
        choices=lambda: [("", _l("Any status"))]
        + [(status.value, label) for status, label in STATUS_LABELS.items()],
        default="",
        invalid_message=_l("Choose a status."),
    )

    def load_options(self) -> None:
        self.trainer.set_options(queries.trainer_options(everyone=True))
        self.room.set_options(queries.room_options(everyone=True))
        self.class_type.set_options(queries.class_type_options(everyone=True))

    def search(self) -> queries.SessionSearch:
        """The valid filters; a field with an error counts as blank."""

        def valid(field):
            return None if field.errors else field.data

        status = valid(self.status)
        return queries.SessionSearch(
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
            trainer_id=valid(self.trainer),
            room_id=valid(self.room),
            class_type_id=valid(self.class_type),
            status=SessionStatus(status) if status else None,
        )


class CalendarFilterForm(FlaskForm):
    """Trainer and room menus above the week calendar (GET)."""

    class Meta:
        csrf = False

    trainer = IdSelectField(
        _l("Trainer"), blank_label=_l("All trainers"), invalid_message=_l("Choose a trainer.")
    )
    room = IdSelectField(
        _l("Room"), blank_label=_l("All rooms"), invalid_message=_l("Choose a room.")
    )

    def load_options(self) -> None:
        self.trainer.set_options(queries.trainer_options(everyone=True))
        self.room.set_options(queries.room_options(everyone=True))
