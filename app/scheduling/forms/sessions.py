"""Forms for single sessions, and the filters of the session list and calendar.

Field names match the names scheduling services give their errors
(`SchedulingError.field`), so `apply_error` puts a refusal under its field.
Dates and times are the gym's local wall clock; `values()` and `instants()`
turn them into the UTC instants the services take.
"""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.clock import local_to_utc, week_start
from app.core.forms import FIRST_YEAR, LAST_YEAR, ChoiceField, DateBounds, IdSelectField, strip
from app.core.i18n import gym_today, gym_zone
from app.scheduling import queries
from app.scheduling.forms.fields import (
    LENGTH,
    LocalDateField,
    LocalTimeField,
    capacity_field,
    enum_value,
    party_fields,
)
from app.scheduling.models import SessionState, SessionStatus
from app.scheduling.rules import latest_schedule_day
from app.scheduling.services.sessions import REASON_MAX

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

REASON_REQUIRED = _l("Give a reason; it is sent to the people in the class.")


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


# ---- single sessions --------------------------------------------------------


class _WhenFields(FlaskForm):
    """A local day with start and end times; errors land on `starts_at`/`ends_at`."""

    day = LocalDateField(
        _l("Date"),
        validators=[
            InputRequired(_l("Enter the date.")),
            DateBounds(earliest=gym_today, latest=latest_schedule_day),
        ],
    )
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
    trainer_id, room_id = party_fields(blank_label=_l("The class type's usual"))
    capacity = capacity_field(
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
    trainer_id, room_id = party_fields()
    capacity = capacity_field(_l("Capacity"), required=True)
    status = _status_field()
    reason = _reason_field(required=False)

    def load_options(self, session) -> None:
        # the day it is on may be today or past once started; unchanged, it is kept
        self.day.saved_value = session.starts_at.astimezone(gym_zone()).date()
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


#: no class exists past the schedule's reach
_LISTED_DAYS = DateBounds(latest=latest_schedule_day)


class SessionFilterForm(FlaskForm):
    """The session list's filters (GET; a bad value is shown and ignored)."""

    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), validators=[Optional(), _LISTED_DAYS])
    date_to = LocalDateField(_l("Until"), validators=[Optional(), _LISTED_DAYS])
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


def parse_week(value: str | None, today: date) -> date:
    """The Monday of the week `value` (YYYY-MM-DD) falls in; today's for anything else."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        day = today
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        day = today
    return week_start(day)
