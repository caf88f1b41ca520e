"""Forms for availability (weekly blocks, dated exceptions, who may book) and
for picking a 1:1 slot.

Field names match the `field` of the service's AvailabilityError, so
`apply_error` puts a refusal under its field. Values that cannot be read
are field errors, never a 500.
"""

from datetime import UTC, datetime

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.core.forms import ChoiceField
from app.core.idempotency.forms import IdempotentForm
from app.scheduling.forms.fields import LocalDateField, LocalTimeField

KIND_LABELS = {"off": _l("Not available"), "extra": _l("Extra hours")}
AUDIENCE_LABELS = {"anyone": _l("Any member"), "clients": _l("Only my clients")}


def weekday_names() -> list[tuple[int, str]]:
    """(0, "Monday") ... (6, "Sunday") in the user's language."""
    names = get_day_names("wide", locale=get_locale())
    return [(day, names[day].capitalize()) for day in range(7)]


def _to_weekday(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class BlockForm(FlaskForm):
    weekday = ChoiceField(
        _l("Day"),
        coerce=_to_weekday,
        choices=weekday_names,
        invalid_message=_l("Choose a weekday."),
    )
    start_time = LocalTimeField(
        _l("Start time"), validators=[InputRequired(_l("Enter the start time."))]
    )
    end_time = LocalTimeField(_l("End time"), validators=[InputRequired(_l("Enter the end time."))])
    valid_from = LocalDateField(
        _l("Starting on"), validators=[InputRequired(_l("Enter the first date."))]
    )
    valid_until = LocalDateField(
        _l("Until"),
        validators=[Optional()],
        description=_l("Leave blank to keep it going."),
    )

    def values(self) -> dict:
        return {
            "weekday": self.weekday.data,
            "start_time": self.start_time.data,
            "end_time": self.end_time.data,
            "valid_from": self.valid_from.data,
            "valid_until": self.valid_until.data,
        }


class ExceptionForm(FlaskForm):
    """Its fields carry the prefix "exception-": the block form shares the page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "exception")
        super().__init__(*args, **kwargs)

    on_day = LocalDateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    kind = ChoiceField(
        _l("What changes"),
        choices=lambda: list(KIND_LABELS.items()),
        default="off",
        invalid_message=_l("Choose day off or extra hours."),
    )
    start_time = LocalTimeField(
        _l("Start time"),
        validators=[Optional()],
        description=_l("Leave both times blank for the whole day."),
    )
    end_time = LocalTimeField(_l("End time"), validators=[Optional()])
    note = StringField(
        _l("Note"),
        validators=[Optional(), Length(max=200, message=_l("Use at most %(max)d characters."))],
    )

    def values(self) -> dict:
        return {
            "on_day": self.on_day.data,
            "kind": self.kind.data,
            "start_time": self.start_time.data,
            "end_time": self.end_time.data,
            "note": self.note.data or "",
        }


class AudienceForm(FlaskForm):
    audience = ChoiceField(
        _l("Who may book 1:1 sessions"),
        choices=lambda: list(AUDIENCE_LABELS.items()),
        invalid_message=_l("Choose who may book."),
    )


class SlotForm(IdempotentForm):
    """One slot button: the 1:1 type and the start instant (UTC, ISO 8601)."""

    type_id = HiddenField(validators=[InputRequired()])
    starts_at = HiddenField(validators=[InputRequired(), Length(max=40)])

    def validate_type_id(self, field):
        if not (field.data or "").isdigit() or len(field.data) > 9:
            raise ValidationError(_l("Choose a session type."))

    def validate_starts_at(self, field):
        try:
            value = datetime.fromisoformat(field.data)
        except (TypeError, ValueError):
            raise ValidationError(_l("Choose a time.")) from None
        if value.tzinfo is None:
            raise ValidationError(_l("Choose a time."))

    def slot(self) -> tuple[int, datetime]:
        return int(self.type_id.data), datetime.fromisoformat(self.starts_at.data).astimezone(UTC)
