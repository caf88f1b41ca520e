"""The gym settings form."""

from zoneinfo import available_timezones

from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import ColorInput

from app.core.forms import strip
from app.core.i18n import LANGUAGE_NAMES
from app.core.uploads import PHOTO_TYPES


def _zones():
    return [(zone, zone) for zone in sorted(available_timezones()) if "/" in zone]


def _currencies():
    return [(code, code) for code in sorted(list_currencies())]


class GeneralSettingsForm(FlaskForm):
    gym_name = StringField(
        _l("Gym name"),
        validators=[
            InputRequired(_l("Enter the gym's name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )
    legal_name = StringField(
        _l("Legal name"),
        validators=[Optional(), Length(max=200, message=_l("Use at most %(max)d characters."))],
    )
    address = TextAreaField(
        _l("Address"),
        validators=[Optional(), Length(max=500, message=_l("Use at most %(max)d characters."))],
    )
    timezone = SelectField(_l("Time zone"), choices=_zones)
    currency = SelectField(_l("Currency"), choices=_currencies)
    default_language = SelectField(_l("Default language"), choices=list(LANGUAGE_NAMES.items()))
    tax_rate = DecimalField(
        _l("Tax rate (%)"),
        places=2,
        validators=[
            InputRequired(_l("Enter the tax rate.")),
            NumberRange(min=0, max=100, message=_l("Enter a rate between 0 and 100.")),
        ],
    )


def _whole(label, low: int, high: int):
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=low, max=high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


class BookingRulesForm(FlaskForm):
    """Booking window, holds, refund tiers and strikes (part of the settings page)."""

    booking_opens_hours = _whole(_l("Booking opens (hours before the class)"), 1, 24 * 60)
    booking_closes_minutes = _whole(_l("Booking closes (minutes before the class)"), 0, 24 * 60)
    schedule_weeks_ahead = _whole(_l("Weeks of timetable generated ahead"), 1, 52)
    hold_minutes = _whole(_l("Minutes a spot is held for confirmation"), 1, 60)
    priority_hold_minutes = _whole(_l("Minutes the waitlist's next member has to confirm"), 1, 60)
    full_refund_hours = _whole(_l("Full refund when cancelling at least (hours ahead)"), 0, 24 * 14)
    partial_refund_hours = _whole(
        _l("Partial refund when cancelling at least (hours ahead)"), 0, 24 * 14
    )
    partial_refund_percent = _whole(_l("Partial refund (%)"), 0, 100)
    strike_limit = _whole(_l("Strikes in 30 days that block booking (0: never)"), 0, 50)
    strike_block_days = _whole(_l("Days booking stays blocked"), 1, 90)
    allow_overlapping_bookings = BooleanField(
        _l("Allow booking classes that overlap, after a warning (off: they are refused)")
    )
    trainer_class_controls = BooleanField(
        _l("Trainers may reschedule and cancel their own classes from their portal")
    )
    checkin_opens_minutes = _whole(_l("Check-in opens (minutes before the class)"), 0, 24 * 60)
    late_grace_minutes = _whole(_l("Check-ins are late after (minutes from the start)"), 0, 240)
    self_checkin_enabled = BooleanField(
        _l("Members may check themselves in by scanning the door code with the app")
    )


class BillingSettingsForm(FlaskForm):
    """Invoices and renewals (part of the settings page)."""

    tax_id = StringField(
        _l("Tax id (RFC)"),
        filters=[strip, lambda value: value.upper() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=20, message=_l("Use at most %(max)d characters."))],
    )
    prices_include_tax = BooleanField(_l("Prices include tax"))
    invoice_series = StringField(
        _l("Invoice series"),
        filters=[strip],
        validators=[
            InputRequired(_l("Enter a series, e.g. A.")),
            Regexp(r"^[A-Za-z0-9]{1,10}$", message=_l("Use 1 to 10 letters or digits.")),
        ],
    )
    credit_note_series = StringField(
        _l("Credit note series"),
        filters=[strip],
        validators=[
            InputRequired(_l("Enter a series, e.g. NC.")),
            Regexp(r"^[A-Za-z0-9]{1,10}$", message=_l("Use 1 to 10 letters or digits.")),
        ],
    )
    renewal_grace_days = _whole(_l("Days a membership stays past due before it expires"), 0, 60)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


class MemberAppSettingsForm(FlaskForm):
    """How the installed member app looks (part of the settings page)."""

    theme_colour = StringField(
        _l("Theme colour"),
        description=_l(
            "Colours the phone's status bar and the app's title bar when members "
            "open the installed app."
        ),
        widget=ColorInput(),
        filters=[strip, _lower],
        validators=[
            InputRequired(_l("Choose a colour.")),
            Regexp(r"^#[0-9a-f]{6}$", message=_l("Use a colour written like #1a2b3c.")),
        ],
    )


class SettingsForm(
    GeneralSettingsForm, BookingRulesForm, BillingSettingsForm, MemberAppSettingsForm
):
    """The whole settings page."""


class LogoForm(FlaskForm):
    """The gym's logo (its own form on the settings page); the bytes are checked
    by the service."""

    logo = FileField(
        _l("New logo"),
        description=_l("JPEG, PNG or WebP, at most 2 MB. Shown on invoices and in the menu bar."),
        render_kw={"accept": ",".join(PHOTO_TYPES)},
        validators=[FileRequired(_l("Choose a picture."))],
    )
