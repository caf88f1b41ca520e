"""The back-office week calendar, and the colour helpers its blocks use.

The page runs a fixed number of statements whatever the number of sessions:
the week's sessions (joined), one per spot counter, and the filter menus.
"""

import re
from datetime import timedelta

from babel.dates import get_day_names
from flask import render_template, request
from flask_babel import get_locale

from app.core.clock import local_date, week_start
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.permissions import DESK, roles_required
from app.scheduling.forms.sessions import CalendarFilterForm, parse_week
from app.scheduling.queries import SessionFilters, week_days

DEFAULT_COLOUR = "#206bc4"
WHITE, DARK = "#ffffff", "#182433"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _luminance(colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first: float, second: float) -> float:
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(background: str) -> str:
    """White or dark text, whichever reads better on `background` ("#rrggbb")."""
    shade = _luminance(background)
    on_white = _contrast(shade, _luminance(WHITE))
    on_dark = _contrast(shade, _luminance(DARK))
    return WHITE if on_white >= on_dark else DARK


def class_colours(colour: str | None) -> tuple[str, str]:
    """(background, text) for a class type's colour; a malformed one gets the default."""
    background = colour.lower() if colour and _HEX.fullmatch(colour) else DEFAULT_COLOUR
    return background, text_colour(background)


def weekday_names(bitmask: int, width: str = "abbreviated") -> list[str]:
    """Local names of the weekdays set in a timetable bitmask, Monday first."""
    names = get_day_names(width, locale=get_locale())
    return [names[day] for day in range(7) if bitmask & (1 << day)]


@roles_required(*DESK)
def calendar():
    filters = CalendarFilterForm(request.args)
    filters.load_options()
    filters.validate()
    today = local_date(utc_now(), gym_zone())
    monday = parse_week(request.args.get("week"), today)
    chosen = SessionFilters(
        trainer_id=None if filters.trainer.errors else filters.trainer.data,
        room_id=None if filters.room.errors else filters.room.data,
    )
    keep = {
        "trainer": chosen.trainer_id or None,
        "room": chosen.room_id or None,
    }
    return render_template(
        "scheduling/admin/calendar.html",
        filters=filters,
        days=week_days(monday, chosen, today),
        monday=monday,
        today=today,
        sunday=monday + timedelta(days=6),
        previous_week=(monday - timedelta(days=7)).isoformat(),
        next_week=(monday + timedelta(days=7)).isoformat(),
        keep=keep,
        this_week=monday == week_start(today),
    )
