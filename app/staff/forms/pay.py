"""Forms of the pay pages: a rate, an adjustment, the month asked for."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

from app.core.forms import ChoiceField, DateBounds, IdSelectField, MoneyField, parse_money, strip
from app.core.i18n import gym_today
from app.scheduling.forms.fields import LocalDateField
from app.staff.models import PayBasis


def basis_choices():
    return [
        ("", _l("Choose…")),
        (PayBasis.PER_CLASS.value, _l("Per class")),
        (PayBasis.PER_HOUR.value, _l("Per hour")),
    ]


class RateForm(FlaskForm):
    """A rate from a day on: the default one, or an override for one class type."""

    basis = ChoiceField(
        _l("Pay basis"),
        choices=basis_choices,
        validators=[DataRequired(_l("Choose per class or per hour."))],
        invalid_message=_l("Choose per class or per hour."),
    )
    amount = MoneyField(_l("Rate"), validators=[InputRequired(_l("Enter a rate such as 350.00."))])
    effective_from = LocalDateField(
        _l("From"),
        validators=[InputRequired(_l("Enter a date.")), DateBounds(earliest=date(2000, 1, 1))],
    )
    class_type = IdSelectField(
        _l("Class type"),
        blank_label=_l("Every class (default rate)"),
        invalid_message=_l("Choose a class type from the list."),
    )

    def __init__(self, *args, class_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.class_type.set_options([(str(ct.id), ct.name) for ct in class_types])


class SignedMoneyField(MoneyField):
    """An amount that may be negative: "-150.00"; `.data` is signed minor units."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        text = self.raw.strip()
        sign = -1 if text.startswith("-") else 1
        amount = parse_money(text.lstrip("+-"))
        self.data = None if amount is None else sign * amount

    def pre_validate(self, form):
        if (self.raw or "").strip() and self.data is None:
            raise StopValidation(_l("Enter an amount such as 150.00 or -150.00, not zero."))


class AdjustmentForm(FlaskForm):
    amount = SignedMoneyField(
        _l("Amount"),
        validators=[InputRequired(_l("Enter an amount such as 150.00 or -150.00, not zero."))],
    )
    reason = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[
            DataRequired(_l("Say why, in at most 200 characters.")),
            Length(max=200, message=_l("Say why, in at most 200 characters.")),
        ],
    )


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_arg(value: str | None) -> date | None:
    """The first day of a "2026-11" month that has begun (gym time), None otherwise."""
    match = _MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        return None
    first = date(year, month, 1)
    return first if first <= gym_today() else None
