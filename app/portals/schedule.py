"""The schedule as members and the public see it: by day or by week, filtered.

A portal page: it composes scheduling (the sessions) with booking (the
member's own state on each), which scheduling itself may not import.

Members open `/app/schedule`, anyone `/schedule`. Both show published
sessions of active class types only, and run a fixed number of queries
whatever the number of sessions: the filter menus and the days' sessions
with their spots taken, as plain rows in one statement
(`queries.timetable`), plus the member's own states. The trainer portal
reuses `week_of` and `by_day`.

The public timetable is the same page for every visitor of a language, so
it carries a strong ETag (`_public_etag`) digested from the very rows the
page is rendered from: a browser reloading it while nothing changed gets
304 without the rendering; any booking, cancellation, hold or edit changes
the ETag. Member pages are `no-store` (app/core/headers.py) and are made
lean instead: the session cards share one action form.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Blueprint, Response, current_app, make_response, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import inspect as sa_inspect
from wtforms import BooleanField, DateField, HiddenField, SelectField

from app.billing.gateways import test_payments_live
from app.booking.queries.member import member_states
from app.booking.queries.occupancy import taken_column
from app.core.clock import local_date, week_start
from app.core.i18n import gym_settings, gym_today, gym_zone
from app.core.inputs import parse_id
from app.core.models import utc_now
from app.core.permissions import MEMBERS, roles_required
from app.portals.schedule_cards import session_card
from app.scheduling.models import Difficulty
from app.scheduling.queries import (
    ScheduledSession,
    SessionFilters,
    local_range,
    timetable,
    timetable_sessions,
)

bp = Blueprint("schedule", __name__)
bp.add_app_template_global(session_card, "session_card")

VIEWS = ("day", "week")
#: how far from today the date parameter may reach; further dates are ignored
REACH = timedelta(days=400)
DIFFICULTY_LABELS = {
    Difficulty.ALL_LEVELS: _l("All levels"),
    Difficulty.BEGINNER: _l("Beginner"),
    Difficulty.INTERMEDIATE: _l("Intermediate"),
    Difficulty.ADVANCED: _l("Advanced"),
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: "only with free spots" is off for these values of `free` (and without it)
FREE_OFF = ("false", "", "0", "off")


def _optional_id(value) -> int | None:
    """A positive id from a query string value, else None ("", "abc", "-3", "²")."""
    number = parse_id(value)
    return number if number else None


class ScheduleFilterForm(FlaskForm):
    """The GET form above the schedule; a value it cannot read is ignored."""

    class Meta:
        csrf = False

    view = HiddenField()
    date = DateField(_l("Date"))
    trainer = SelectField(_l("Trainer"), coerce=_optional_id, validate_choice=False)
    class_type = SelectField(_l("Class"), coerce=_optional_id, validate_choice=False)
    free = BooleanField(_l("Only with free spots"), false_values=(False, *FREE_OFF))


@dataclass
class ScheduleQuery:
    """What one schedule page shows, read from its query string."""

    view: str
    day: date
    today: date
    trainer_id: int | None
    class_type_id: int | None
    free_only: bool

    @property
    def first_day(self) -> date:
        return self.day if self.view == "day" else week_start(self.day)

    @property
    def days(self) -> int:
        return 1 if self.view == "day" else 7

    def args(self, **changes) -> dict:
        """Query string values for a link to this page with `changes`."""
        values = {
            "view": self.view,
            "date": self.day.isoformat(),
            "trainer": self.trainer_id,
            "class_type": self.class_type_id,
            "free": 1 if self.free_only else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in (None, "")}

    def in_reach(self, day: date) -> bool:
        return abs(day - self.today) <= REACH

    def week_step(self, weeks: int) -> date | None:
        """The same weekday `weeks` weeks away, when it is within reach."""
        day = self.day + timedelta(weeks=weeks)
        return day if self.in_reach(day) else None


def read_query(args, default_view: str) -> ScheduleQuery:
    """The page's view, day and "only free spots" from its query string, read
    as the filter form reads them (a 304 of the timetable needs no form);
    anything unreadable falls back to its default. The trainer and class
    filters wait for the menus (`filter_form`)."""
    today = gym_today()
    view = args.get("view")
    free = args.get("free")
    query = ScheduleQuery(
        view=view if view in VIEWS else default_view,
        day=today,
        today=today,
        trainer_id=None,
        class_type_id=None,
        free_only=free is not None and free not in FREE_OFF,
    )
    day = _day(" ".join(args.getlist("date")))
    if day and query.in_reach(day):
        query.day = day
    return query


def _day(value: str) -> date | None:
    """A yyyy-mm-dd date, as the form's DateField reads it, else None."""
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None


def filter_form(query: ScheduleQuery, menus: dict) -> ScheduleFilterForm:
    """The filter form above the page, showing `query`; its trainer and class
    filters are kept in `query` only when the menus name them."""
    form = ScheduleFilterForm(request.args)
    form.trainer.choices = [("", _l("All trainers"))] + [(t.id, t.name) for t in menus["trainers"]]
    form.class_type.choices = [("", _l("All classes"))] + [
        (c.id, c.name) for c in menus["class_types"]
    ]
    if form.trainer.data in {t.id for t in menus["trainers"]}:
        query.trainer_id = form.trainer.data
    if form.class_type.data in {c.id for c in menus["class_types"]}:
        query.class_type_id = form.class_type.data
    form.view.data, form.date.data = query.view, query.day
    form.trainer.data, form.class_type.data = query.trainer_id, query.class_type_id
    form.free.data = query.free_only
    return form


def week_of(day: date) -> list[date]:
    """The seven days, Monday to Sunday, of `day`'s week."""
    monday = week_start(day)
    return [monday + timedelta(days=n) for n in range(7)]


def by_day(items: list[ScheduledSession]) -> list[tuple[date, list[ScheduledSession]]]:
    """Sessions grouped by their local day, in order (days without any are left out)."""
    zone, groups = gym_zone(), {}
    for item in items:
        groups.setdefault(local_date(item.session.starts_at, zone), []).append(item)
    return list(groups.items())


def schedule_for(query: ScheduleQuery, rows: list[tuple]) -> list[ScheduledSession]:
    """Published sessions of active types among the query's `timetable` rows,
    filtered, with spots left."""
    filters = SessionFilters(
        trainer_id=query.trainer_id, class_type_id=query.class_type_id, members_view=True
    )
    items = timetable_sessions(rows, filters)
    if query.free_only:
        items = [item for item in items if item.spots_left > 0]
    return items


def read_timetable(query: ScheduleQuery, now) -> tuple[dict, list[tuple]]:
    """The filter menus, and every session of the query's days as plain rows
    with spots taken at `now` (one statement; see `queries.timetable`)."""
    return timetable(*local_range(query.first_day, query.days), now, taken_column)


def _public_etag(query: ScheduleQuery, menus: dict, partial: bool, rows) -> str | None:
    """A strong validator of the public timetable, or None when the page must
    be made afresh (a flash waits to be shown).

    A digest of everything the page shows: the menus and the timetable's
    rows, which the page is then rendered from, so a browser that has the
    page gets 304 without the rendering, and the page cannot be fresher or
    staler than its ETag: a booking, a cancellation,
    a hold taken, released or expired (a hold counts until its expiry, read
    at this instant) and any edit of a session, its type, room or trainer
    change the rows, and a class starting or ending changes its state. The
    layout's inputs are in it too: language, who is signed in, the CSRF token
    the page carries, the settings row and the release.
    """
    if session.get("_flashes"):
        return None
    generate_csrf()  # the token the page will carry is in the session before we digest it
    settings = gym_settings()
    parts = [
        current_app.config.get("VERSION"),
        current_app.config.get("GIT_SHA"),
        str(get_locale()),
        request.full_path,
        partial,
        current_user.get_id() if current_user.is_authenticated else None,
        session.get("csrf_token"),
        test_payments_live(),
        [getattr(settings, c.key) for c in sa_inspect(type(settings)).columns],
        query.today,
        menus,
        rows,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _render_schedule(endpoint: str, template: str, default_view: str):
    query = read_query(request.args, default_view)
    now = utc_now()
    menus, rows = read_timetable(query, now)
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )
    headers = {"Vary": "HX-Request"}
    etag = None
    if endpoint == "schedule.public":
        etag = _public_etag(query, menus, partial, rows)
        # private: the page carries the visitor's CSRF token; no-cache: always ask first
        headers = {
            "Vary": "HX-Request, Cookie, Accept-Language",
            "Cache-Control": "private, no-cache",
        }
        if etag and request.if_none_match.contains_weak(etag):  # weak once gzipped
            return Response(status=304, headers={**headers, "ETag": f'"{etag}"'})
    form = filter_form(query, menus)
    items = schedule_for(query, rows)
    context = {
        "endpoint": endpoint,
        "form": form,
        "query": query,
        "days": by_day(items),
        "week": week_of(query.day),
        "prev_week": query.week_step(-1),
        "next_week": query.week_step(1),
        "now": now,
        "audience": "member" if endpoint == "schedule.member" else "public",
    }
    if endpoint == "schedule.member":
        context["member_states"] = member_states(current_user.id, items, context["now"])
    response = make_response(
        render_template(
            "portals/schedule/_list.html" if partial else template, partial=partial, **context
        )
    )
    response.headers.update(headers)
    if etag:
        response.set_etag(etag)
    return response


@bp.get("/app/schedule")
@roles_required(*MEMBERS)
def member():
    return _render_schedule("schedule.member", "portals/schedule/member.html", "day")


@bp.get("/schedule")
def public():
    return _render_schedule("schedule.public", "portals/schedule/public.html", "week")


@bp.app_template_filter("class_colour")
def class_colour(value: str | None) -> str:
    """A class type's colour when it is a plain #rrggbb, else Tabler's blue."""
    return value if value and _COLOUR.match(value) else "#206bc4"


@bp.app_template_global("card_labels")
def card_labels() -> dict:
    """The words every session card repeats, translated once per page, not per card."""
    return {
        "until": _("until"),
        "trainer": _("Trainer"),
        "room": _("Room"),
        "full": _("Full"),
        "book": _("Book"),
        "hold": _("Hold %(num)d min", num=gym_settings().hold_minutes),
        "difficulty": {level: str(label) for level, label in DIFFICULTY_LABELS.items()},
    }


@bp.app_template_global("difficulty_label")
def difficulty_label(value: Difficulty) -> str:
    return str(DIFFICULTY_LABELS.get(value, ""))
