"""Language choice and locale-aware formatting of dates, times and money."""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_time as babel_format_time
from babel.numbers import format_currency
from flask import current_app, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale, to_user_timezone
from flask_login import current_user

from app.core import clock
from app.core.models import utc_now

LANGUAGE_COOKIE = "cupo_lang"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}
#: numbers and money read the Mexican way in Spanish ($1,234.56), as the gym's members write them
NUMBER_LOCALES = {"es": "es_MX"}


_GYM_SETTINGS = "cupo.gym_settings"


def provide_gym_settings(app, provider) -> None:
    """The settings domain's `init_app` says where the gym's language, zone
    and currency come from: `provider()` returns an object with
    `default_language`, `timezone` and `currency`."""
    app.extensions[_GYM_SETTINGS] = provider


def gym_settings():
    return current_app.extensions[_GYM_SETTINGS]()


def language_of(user) -> str:
    """The language a person reads (emails, pushes, pages reached from an
    email): their own, else the gym's default."""
    return getattr(user, "language", None) or gym_settings().default_language


def select_locale() -> str:
    """The signed-in user's language, else the cookie, else the gym's default."""
    if not has_request_context():  # CLI and jobs; jobs force the recipient's locale
        return gym_settings().default_language
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    return gym_settings().default_language


def select_timezone() -> str:
    return gym_settings().timezone


def gym_zone() -> ZoneInfo:
    return ZoneInfo(select_timezone())


def gym_today() -> date:
    """The date it is now in the gym's time zone."""
    return clock.local_date(utc_now(), gym_zone())


def money(amount_minor: int, currency: str | None = None) -> str:
    """Format minor units (centavos) as money in the current locale."""
    currency = currency or gym_settings().currency
    language = str(get_locale())
    return format_currency(
        amount_minor / 100, currency, locale=NUMBER_LOCALES.get(language, language)
    )


#: one clock per language, everywhere: English reads 12-hour ("7:00 PM"),
#: Spanish 24-hour ("19:00"); forms still take "19:00" in both
TIME_PATTERNS = {"en": "h:mm\u202fa", "es": "HH:mm"}  # CLDR: a narrow no-break space before AM
#: named date parts of `local_datetime`; any other format is a Babel date pattern
DATETIME_DATES = {"class": "EEE d MMM", "class_year": "EEE d MMM y"}


def time_pattern() -> str:
    """The Babel pattern of a time of day in the current language."""
    return TIME_PATTERNS.get(str(get_locale()), "HH:mm")


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A date and time in the gym's zone with the language's one clock.

    `fmt` is "short", "medium", "long", "full" (the locale's date of that
    length), "class" ("Wed 2 Dec, 7:00 PM") or "class_year" (with the year).
    """
    if not value:
        return ""
    locale = get_locale()
    if fmt in DATETIME_DATES:
        day = DATETIME_DATES[fmt]
    elif fmt in locale.date_formats:
        day = locale.date_formats[fmt].pattern
    else:
        raise ValueError(f"unknown date-time format {fmt!r}")
    return format_datetime(value, f"{day}, {time_pattern()}")


def local_date(value, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def local_time(value) -> str:
    """A time of day (a datetime in the gym's zone) with the language's one clock."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    locale = get_locale()
    return _clock(str(locale), TIME_PATTERNS.get(str(locale), "HH:mm"), value.hour, value.minute)


@lru_cache(maxsize=4096)
def _clock(locale: str, pattern: str, hour: int, minute: int) -> str:
    """ "7:15 PM": a pure function of its arguments, so kept per process (a week
    view shows dozens of times, and Babel takes a while over each)."""
    return babel_format_time(time(hour, minute), pattern, locale=locale)


def short_datetime(value: datetime) -> str:
    """ "Wed 2 Dec, 7:00 PM" / "mié 2 dic, 19:00": a class's time in a sentence."""
    return local_datetime(value, "class")


def machine_time(value: datetime) -> str:
    """A `<time datetime>` value: ISO 8601 to the second (HTML allows at most
    three decimals, and nobody reads them)."""
    return value.isoformat(timespec="seconds") if value else ""


def register_filters(app) -> None:
    app.jinja_env.filters.update(
        money=money,
        datetime=local_datetime,
        date=local_date,
        time=local_time,
        machine_time=machine_time,
    )
