"""Reading what trainers and members type: reps ("10", "8-12", "30s"),
weights ("62.5", "62,5 kg", blank or "BW" for bodyweight), small whole
numbers. Each raises ProgramError naming the field; none writes anything."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from app.programs.services import ProgramError

MAX_WEIGHT_G = 1_000_000  # 1,000 kg
MAX_REPS = 1000
MAX_SECONDS = 3600
BODYWEIGHT_WORDS = {"", "bw", "bodyweight", "pc", "peso corporal"}

_REPS = re.compile(r"^\s*(-?\d{1,6})\s*(?:[-–—]|to|a)\s*(-?\d{1,6})\s*$")
_SECONDS = re.compile(r"^\s*(-?\d{1,6})\s*(?:s|sec|secs|seconds|seg|segundos)\s*$", re.I)
_NUMBER = re.compile(r"^\s*(-?\d{1,7})\s*$")
_WEIGHT = re.compile(r"^\s*(-?\d{1,7})(?:[.,](\d{1,3}))?\s*(?:kg)?\s*$", re.I)


def REPS_HINT() -> str:  # noqa: N802  (read like a constant, translated when raised)
    return _("Enter the reps, a range such as 8-12, or seconds such as 30s.")


@dataclass(frozen=True)
class Reps:
    reps_min: int | None
    reps_max: int | None
    seconds: int | None


def parse_reps(text, field: str = "reps") -> Reps:
    """'10' → 10 reps, '8-12' → a range, '30s' → 30 seconds."""
    text = str(text or "").strip()
    if not text:
        raise ProgramError(
            _("Enter the reps, a range such as 8-12, or seconds such as 30s."), field=field
        )
    if match := _SECONDS.match(text):
        seconds = int(match.group(1))
        if not 1 <= seconds <= MAX_SECONDS:
            raise ProgramError(
                _("Enter between 1 and %(max)d seconds.", max=MAX_SECONDS), field=field
            )
        return Reps(None, None, seconds)
    if match := _REPS.match(text):
        low, high = int(match.group(1)), int(match.group(2))
        if low < 1 or high < 1:
            raise ProgramError(_("Reps must be at least 1."), field=field)
        if high <= low or high > MAX_REPS:
            raise ProgramError(_("Write a range low to high, such as 8-12."), field=field)
        return Reps(low, high, None)
    if match := _NUMBER.match(text):
        reps = int(match.group(1))
        if reps < 1:
            raise ProgramError(_("Reps must be at least 1."), field=field)
        if reps > MAX_REPS:
            raise ProgramError(_("Enter at most %(max)d reps.", max=MAX_REPS), field=field)
        return Reps(reps, None, None)
    raise ProgramError(
        _("Enter the reps, a range such as 8-12, or seconds such as 30s."), field=field
    )


def parse_weight(text, field: str = "weight") -> int | None:
    """Grams from kilograms as typed; None for bodyweight (blank or 'BW')."""
    text = str(text or "").strip()
    if text.lower() in BODYWEIGHT_WORDS:
        return None
    match = _WEIGHT.match(text)
    if not match:
        raise ProgramError(
            _("Enter the weight in kg, such as 62.5, or leave it blank for bodyweight."),
            field=field,
        )
    whole, fraction = match.groups()
    if whole.startswith("-"):
        raise ProgramError(_("The weight cannot be negative."), field=field)
    grams = int(whole) * 1000 + int((fraction or "0").ljust(3, "0"))
    if grams > MAX_WEIGHT_G:
        raise ProgramError(_("Enter at most 1,000 kg."), field=field)
    return grams


def whole_number(value, field: str, low: int, high: int, message) -> int:
    """`value` as an int within low..high, else ProgramError(message) on `field`."""
    if isinstance(value, bool):
        raise ProgramError(message, field=field)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise ProgramError(message, field=field) from None
    if not low <= number <= high:
        raise ProgramError(message, field=field)
    return number


def text_value(value, field: str, max_length: int, *, required: bool = False) -> str:
    value = " ".join(str(value or "").split()) if field != "notes" else str(value or "").strip()
    if required and not value:
        raise ProgramError(_("Enter a name."), field=field)
    if len(value) > max_length:
        raise ProgramError(_("Use at most %(max)d characters.", max=max_length), field=field)
    return value
