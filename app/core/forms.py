"""Helpers shared by every domain's forms and views."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation

from app.core.errors import DomainError


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
