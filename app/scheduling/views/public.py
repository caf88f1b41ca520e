"""iCal feeds a calendar app subscribes to: the public timetable and a trainer's classes.

Calendar apps cannot sign in, so a trainer's feed is found by the secret
`Trainer.calendar_token` in its URL; an unknown token is 404. Feeds carry
published sessions, and cancelled ones marked CANCELLED so subscribed
calendars drop them; drafts never appear. Times are UTC instants, so every
calendar shows them right in its own zone, across daylight-saving changes.
"""

import re
from datetime import datetime, timedelta

from flask import Blueprint, Response, abort
from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration
from sqlalchemy import select

from app.core.models import utc_now
from app.extensions import db
from app.scheduling.models import ClassSession
from app.scheduling.queries import feed_sessions
from app.settings.services import gym_settings
from app.trainers.models import Trainer

bp = Blueprint("ical", __name__)

#: calendar apps may poll this often
REFRESH = timedelta(hours=1)
PRODID = "-//Cupo//Class schedule//EN"
#: what `new_calendar_token` makes (URL-safe base64); anything else is not looked up
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def session_event(cs: ClassSession, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"session-{cs.id}@cupo")
    event.add("dtstamp", stamp)
    event.add("dtstart", cs.starts_at)
    event.add("dtend", cs.ends_at)
    event.add("summary", cs.class_type.name)
    event.add("location", cs.room.name)
    event.add("description", _("Trainer: %(name)s", name=cs.trainer.name))
    event.add("status", "CANCELLED" if cs.is_cancelled else "CONFIRMED")
    return event


def build_calendar(name: str, sessions: list[ClassSession]) -> Calendar:
    """A VCALENDAR named `name` with one VEVENT per session (UTC times)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", gym_settings().timezone)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = utc_now()
    for cs in sessions:
        calendar.add_component(session_event(cs, stamp))
    return calendar


def _ics(calendar: Calendar, filename: str, cache: str) -> Response:
    response = Response(calendar.to_ical(), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = cache
    return response


@bp.get("/schedule.ics")
def public_feed():
    name = _("%(gym)s class schedule", gym=gym_settings().gym_name)
    return _ics(build_calendar(name, feed_sessions()), "schedule.ics", "public, max-age=300")


@bp.get("/trainer/<token>/sessions.ics")
def trainer_feed(token: str):
    """A trainer's own sessions; 404 for an unknown token or a trainer who left."""
    trainer = None
    if TOKEN.fullmatch(token):
        trainer = db.session.scalar(select(Trainer).where(Trainer.calendar_token == token))
    if trainer is None or not trainer.is_active or not trainer.user.is_active:
        abort(404)
    name = _("%(name)s's classes at %(gym)s", name=trainer.name, gym=gym_settings().gym_name)
    calendar = build_calendar(name, feed_sessions(trainer_id=trainer.id))
    return _ics(calendar, "sessions.ics", "private, max-age=300")
