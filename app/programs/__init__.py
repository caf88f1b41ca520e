"""Programs: the exercise library, workout programs and diet charts that
trainers write and assign, and the sets members log against them."""

from datetime import date

from flask_babel import format_decimal


def kilograms(grams: int | None, bodyweight=None) -> str:
    """Grams as the reader writes kilograms ("62.5 kg"); None is bodyweight."""
    from flask_babel import gettext as _

    if grams is None:
        return str(bodyweight) if bodyweight is not None else _("Bodyweight")
    return _("%(kg)s kg", kg=format_decimal(grams / 1000, format="#,##0.##"))


def kg_input(grams: int | None) -> str:
    """Grams as a form shows kilograms ("62.5"); blank for bodyweight."""
    return "" if grams is None else f"{grams / 1000:g}"


def iso_day(value: str | None) -> date | None:
    """A day stored as ISO text (a notification's parameter) as a date."""
    return date.fromisoformat(value) if value else None


def init_app(app) -> None:
    """Its tables and template filters."""
    from app.programs import models  # noqa: F401  (its tables)

    app.add_template_filter(kilograms, "kg")
    app.add_template_filter(kg_input, "kg_input")
    app.add_template_filter(iso_day, "iso_day")
