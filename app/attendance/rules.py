"""Who may check members in to a class, when a booking can be checked in,
and whether it is late."""

from datetime import datetime, timedelta

from app.core.permissions import DESK, TRAINERS
from app.scheduling.models import ClassSession
from app.settings.services import gym_settings


def may_check_in(actor, cs: ClassSession) -> bool:
    """Desk staff and admins for any class; a trainer for their own."""
    return actor.role in DESK or (actor.role in TRAINERS and cs.trainer.user_id == actor.id)


def checkin_window(cs: ClassSession) -> tuple[datetime, datetime]:
    """[opens, closes): from `checkin_opens_minutes` before the start to the end."""
    opens = cs.starts_at - timedelta(minutes=gym_settings().checkin_opens_minutes)
    return opens, cs.ends_at


def is_late(cs: ClassSession, at: datetime) -> bool:
    """After the grace period from the start (the grace minute itself is on time)."""
    return at > cs.starts_at + timedelta(minutes=gym_settings().late_grace_minutes)
