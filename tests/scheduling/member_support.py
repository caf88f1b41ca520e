"""Sessions put straight into the database, and readers for the schedule pages."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.clock import local_date
from app.scheduling.models import ClassSession, SessionStatus
from app.settings.models import DEFAULTS

#: a Wednesday; the gym's default zone (Mexico City) is UTC-6, so 10:00 UTC is 4:00 local
NOW = datetime.fromisoformat("2026-03-25T10:00:00+00:00")


def add_session(db, schedule, starts_at: datetime, *, commit: bool = True, **fields):
    """A session at `starts_at` (60 min, 12 places, published) with new parties unless given."""
    for name, make in (
        ("class_type", schedule.class_type),
        ("trainer", schedule.trainer),
        ("room", schedule.room),
    ):
        if fields.get(name) is None:
            fields[name] = make()
    fields.setdefault("capacity", 12)
    fields.setdefault("status", SessionStatus.PUBLISHED)
    if fields["status"] is SessionStatus.CANCELLED:
        fields.setdefault("cancelled_at", starts_at - timedelta(days=1))
        fields.setdefault("cancel_reason", "Trainer ill")
    zone = ZoneInfo(fields.pop("zone", DEFAULTS["timezone"]))
    cs = ClassSession(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=fields.pop("minutes", 60)),
        occurs_on=local_date(starts_at, zone),
        **fields,
    )
    db.session.add(cs)
    if commit:
        db.session.commit()
    return cs


def add_many(db, schedule, count: int, first: datetime, *, step=timedelta(minutes=45)):
    """`count` sessions `step` apart from `first`, shared by a few trainers, rooms and types."""
    parties = [(schedule.class_type(), schedule.trainer(), schedule.room()) for _ in range(3)]
    sessions = []
    for n in range(count):
        class_type, trainer, room = parties[n % 3]
        sessions.append(
            add_session(
                db,
                schedule,
                first + n * step,
                class_type=class_type,
                trainer=trainer,
                room=room,
                commit=False,
            )
        )
    db.session.commit()
    return sessions


def listed_ids(response) -> list[int]:
    """Ids of the session cards on a page, in page order."""
    html = response.get_data(as_text=True)
    return [int(i) for i in re.findall(r'id="session-(\d+)-name"', html)]
