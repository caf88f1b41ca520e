"""The gym settings form."""

from zoneinfo import available_timezones

from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.core.i18n import LANGUAGE_NAMES


def _zones():
    return [(zone, zone) for zone in sorted(available_timezones()) if "/" in zone]


def _currencies():
    return [(code, code) for code in sorted(list_currencies())]


class SettingsForm(FlaskForm):
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
