"""A few past notifications in the demo gym, so the bell is not empty.

Written as rows only (what the centre shows): nothing is emailed or pushed
for news that never happened.
"""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.urls import app_path
from app.extensions import db
from app.notifications.models import Notification

#: (email, event, params, hours ago, read) for member1 and a trainer
NEWS = [
    (
        "member1@cupo.demo",
        "session_cancelled",
        {"class_name": "Box", "days_ahead": 2, "hour": 19},
        5,
        False,
    ),
    (
        "member1@cupo.demo",
        "waitlist_offer",
        {"class_name": "Pilates", "days_ahead": -2, "hour": 8},
        52,
        True,
    ),
    (
        "member1@cupo.demo",
        "booking_cancelled",
        {"class_name": "Yoga", "days_ahead": -5, "hour": 18},
        150,
        True,
    ),
    (
        "carla@cupo.demo",
        "trainer_session_changed",
        {"class_name": "Yoga", "days_ahead": 1, "hour": 19, "change": "Estudio → Sala principal"},
        1,
        False,
    ),
]


def seed_notifications() -> int:
    """Write the demo's past notifications in the caller's transaction;
    returns how many. Raises nothing; queues nothing."""
    now, zone = utc_now(), gym_zone()
    emails = {email for email, *_ in NEWS}
    users = dict(
        db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all()
    )
    links = {
        "session_cancelled": app_path("booking.my_bookings"),
        "waitlist_offer": app_path("booking.my_bookings"),
        "booking_cancelled": app_path("booking.my_bookings"),
        "trainer_session_changed": app_path("trainers.home"),
    }
    rows = []
    for email, event, shape, hours_ago, read in NEWS:
        if email not in users:
            continue
        made = now - timedelta(hours=hours_ago)
        day = (now + timedelta(days=shape["days_ahead"])).astimezone(zone).date()
        starts = datetime.combine(day, time(shape["hour"]), tzinfo=zone).astimezone(UTC)
        params = {"class_name": shape["class_name"], "starts_at": starts.isoformat()}
        if "change" in shape:
            params["change"] = shape["change"]
        rows.append(
            Notification(
                user_id=users[email],
                event=event,
                params=params,
                link=links[event],
                created_at=made,
                read_at=made if read else None,
            )
        )
    db.session.add_all(rows)
    return len(rows)
