"""Form fields the scheduling pages share: ids from selects, local dates and
times, whole numbers, weekday checkboxes and tags, each with our own messages;
and the capacity, trainer and room fields several forms declare alike.

A value that cannot be read is one field error, never a 500; a blank is None
and left to `InputRequired`/`Optional`.
"""

from enum import Enum

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import (
    InputRequired,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import DateBounds, IdSelectField, to_id

MAX_TAGS = 10
TAG_MAX_LENGTH = 30
WHOLE_NUMBER = _l("Enter a whole number.")
MAX_CAPACITY = 1000
CAPACITY_TOO_SMALL = _l("Capacity must be at least 1.")
TOO_BIG = _l("Enter at most %(max)d.")
LENGTH = _l("Use at most %(max)d characters.")


def enum_value(value) -> str:
    return value.value if isinstance(value, Enum) else str(value)


class _OwnParseMessage:
    """Parse a typed value; blank is None, a bad value is one field error.

    When the value cannot be read, the other validators do not run: one
    message says what is wrong.
    """

    def __init__(self, *args, invalid_message, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([valuelist[0].strip()])
        except (ValueError, OverflowError):
            self.data = None
            raise ValueError(str(self.invalid_message)) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class WholeNumberField(_OwnParseMessage, IntegerField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_message", WHOLE_NUMBER)
        super().__init__(label, validators, **kwargs)


class LocalDateField(_OwnParseMessage, DateField):
    """A typed date; without a `DateBounds` of its own it gets the plain one
    (a real year), so no date field goes unbounded."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_message", _l("Enter a date."))
        validators = list(validators or [])
        if not any(isinstance(v, DateBounds) for v in validators):
            validators.append(DateBounds())
        super().__init__(label, validators, **kwargs)


class LocalTimeField(_OwnParseMessage, TimeField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_message", _l("Enter a time such as 07:30."))
        kwargs.setdefault("format", ["%H:%M", "%H:%M:%S"])
        super().__init__(label, validators, **kwargs)


class WeekdaysField(SelectMultipleField):
    """Seven checkboxes, Monday first; `.bitmask` is bit 0 for Monday."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=to_id, **kwargs)

    def set_day_names(self) -> None:
        names = get_day_names("wide", locale=get_locale())
        self.choices = [(day, names[day][:1].upper() + names[day][1:]) for day in range(7)]

    def process_data(self, value):
        if isinstance(value, int):
            self.data = [day for day in range(7) if value & (1 << day)]
        else:
            super().process_data(value)

    def pre_validate(self, form):
        if any(day not in range(7) for day in self.data or []):
            raise ValidationError(str(_l("Choose weekdays from the list.")))

    @property
    def bitmask(self) -> int:
        return sum(1 << day for day in set(self.data or []) if day in range(7))


class TagsField(StringField):
    """Comma-separated tags; `.data` is a list: trimmed, lower-cased, each once."""

    def process_data(self, value):
        self.data = list(value or [])

    def process_formdata(self, valuelist):
        tags = []
        for part in (valuelist[0] if valuelist else "").split(","):
            tag = " ".join(part.split()).lower()
            if tag and tag not in tags:
                tags.append(tag)
        self.data = tags

    def _value(self):
        return ", ".join(self.data or [])

    def pre_validate(self, form):
        if len(self.data) > MAX_TAGS:
            raise ValidationError(str(_l("Use at most %(max)d tags.", max=MAX_TAGS)))
        if any(len(tag) > TAG_MAX_LENGTH for tag in self.data):
            raise ValidationError(
                str(_l("Keep each tag to at most %(max)d characters.", max=TAG_MAX_LENGTH))
            )


def capacity_field(label, *, required: bool, description="", default=None):
    """A capacity from 1 to MAX_CAPACITY; blank allowed unless `required`."""
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


def party_fields(*, blank_label=None):
    """Trainer and room selects (blank allowed when `blank_label`)."""
    return (
        IdSelectField(
            _l("Trainer"), blank_label=blank_label, invalid_message=_l("Choose an active trainer.")
        ),
        IdSelectField(
            _l("Room"), blank_label=blank_label, invalid_message=_l("Choose an active room.")
        ),
    )
