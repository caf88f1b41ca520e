"""Helpers shared by every domain's forms and views."""

import re
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import StopValidation, ValidationError

from app.core.errors import DomainError
from app.core.i18n import gym_today, local_date
from app.core.inputs import parse_id

#: what `to_id` answers for a value that is not an id (no row has it)
INVALID_ID = -1
FORM_UNREADABLE = _l("The form could not be read. Reload the page and try again.")
#: the blank first option of a required select: the user must pick
CHOOSE = _l("Choose…")


def strip(value):
    """A field filter: surrounding spaces are not part of what people meant."""
    return value.strip() if isinstance(value, str) else value


def apply_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the field it names, else on the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


_AMOUNT = re.compile(r"^\s*(\d{1,6})(?:[.,](\d{1,2}))?\s*$")


def parse_money(text: str | None) -> int | None:
    """Minor units from "350", "350.5", "350.00" or "350,00"; None otherwise."""
    match = _AMOUNT.match(text or "")
    if not match:
        return None
    units, cents = match.groups()
    return int(units) * 100 + int((cents or "0").ljust(2, "0"))


def format_money_input(amount_minor: int) -> str:
    """Minor units as the form shows them: 35000 → "350.00"."""
    return f"{amount_minor // 100}.{amount_minor % 100:02d}"


class MoneyField(StringField):
    """An amount in the gym's currency, typed as "350.00"; `.data` is minor units."""

    raw: str | None = None

    def process_data(self, value):
        self.raw, self.data = None, value

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = parse_money(self.raw)

    def _value(self):
        if self.raw is not None:
            return self.raw
        return format_money_input(self.data) if self.data is not None else ""

    def pre_validate(self, form):
        if (self.raw or "").strip() and self.data is None:
            raise StopValidation(_l("Enter an amount such as 350.00."))


# ---- ids ---------------------------------------------------------------------
# A form names rows by id in selects (IdSelectField) and hidden inputs
# (IdField); both read it with `parse_id`, so an id no column could hold
# is a field error, never a database error.


def to_id(value) -> int | None:
    """A database id from a form value: None when blank, INVALID_ID when not an id."""
    if value is None or value == "":
        return None
    number = parse_id(value)
    return INVALID_ID if number is None else number


class ChoiceField(SelectField):
    """A select whose "not one of the options" error is our own message."""

    def __init__(self, label=None, validators=None, *, invalid_message, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message
        self.type = "SelectField"  # the shared form macros style it as a select

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(str(self.invalid_message)) from None


class IdSelectField(ChoiceField):
    """A select of database rows by id; options are set by the form.

    It always starts with a blank option, so nothing is chosen for the user:
    `blank_label` names it when the blank is a real choice (then `.data` is
    None); without it the field is required, the blank reads "Choose…" and
    choosing it is a field error (`invalid_message`), as are a non-number or
    an id that is not an option.
    """

    def __init__(self, label=None, validators=None, *, blank_label=None, **kwargs):
        super().__init__(label, validators, coerce=to_id, choices=[], **kwargs)
        self.required = blank_label is None
        self.blank_label = CHOOSE if blank_label is None else blank_label
        if self.required:
            self.flags.required = True

    def set_options(self, options: list) -> None:
        self.choices = [("", self.blank_label), *options]

    def pre_validate(self, form):
        if self.required and self.data is None:
            raise StopValidation(str(self.invalid_message))
        super().pre_validate(form)


class IdField(HiddenField):
    """A hidden input naming a row (the class a scanner is bound to, the plan
    a Buy button buys): `.data` is the id, or None when blank.

    Anything but an id is a field error (`invalid_message`), and the other
    validators do not run.
    """

    def __init__(self, label=None, validators=None, *, invalid_message=FORM_UNREADABLE, **kw):
        super().__init__(label, validators, **kw)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = parse_id(raw) if raw else None
        if raw and self.data is None:
            raise ValueError(str(self.invalid_message))

    def _value(self):
        return "" if self.data is None else str(self.data)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


# ---- dates -------------------------------------------------------------------
# Every date staff type goes through DateBounds: a year outside FIRST_YEAR..
# LAST_YEAR is a typo (and would overflow time zone arithmetic), and each
# field says how far into the past and future it may reach.

FIRST_YEAR = 2000
LAST_YEAR = 2099


def days_from_today(days: int):
    """A bound for DateBounds: the gym's today plus `days` (negative: in the past)."""

    def bound() -> date:
        return gym_today() + timedelta(days=days)

    return bound


class DateBounds:
    """A validator: the field's date is a real year and within `earliest`..`latest`.

    Each bound is a date, a callable giving one (so "today" is read at
    validation, in the gym's zone) or None. A field's `saved_value` (the
    date already stored, set by the form when editing) is always accepted,
    so a record that started in the past can still be saved unchanged.
    """

    def __init__(self, earliest=None, latest=None):
        self.earliest, self.latest = earliest, latest

    def __call__(self, form, field):
        day = field.data
        if day is None:
            return
        day = day.date() if isinstance(day, datetime) else day
        if day == getattr(field, "saved_value", None):
            return
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(
                str(
                    _l(
                        "Enter a date between the years %(first)d and %(last)d.",
                        first=FIRST_YEAR,
                        last=LAST_YEAR,
                    )
                )
            )
        earliest, latest = _bound(self.earliest), _bound(self.latest)
        if earliest is not None and day < earliest:
            if earliest == gym_today():
                raise ValidationError(str(_l("Choose today or a later date.")))
            message = _l("Choose a date on or after %(date)s.", date=local_date(earliest))
            raise ValidationError(str(message))
        if latest is not None and day > latest:
            message = _l("Choose a date on or before %(date)s.", date=local_date(latest))
            raise ValidationError(str(message))


def _bound(value) -> date | None:
    return value() if callable(value) else value
