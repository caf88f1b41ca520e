"""Warnings that credits are about to expire, 7 days and 1 day ahead.

`warn_expiring_credits` runs every hour and acts from 09:00 in the gym's
time zone (the gym's zone may be hours from UTC, and a run may be missed):
each lot with credits left that expires within 7 days (local dates) is
warned once at 7 days and once at 1 day. "Once" is the notification's key
(`credits-expiring-<lot>-<days>`): later runs that day, or a run that
starts over, write nothing again.
"""

from datetime import time, timedelta

from sqlalchemy import select

from app.core import signals
from app.core.clock import local_date
from app.core.db import transaction
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.urls import app_path
from app.extensions import db
from app.memberships.ledger import format_credits
from app.memberships.models import CreditLot

#: the gym's local time from which warnings go out
WARN_FROM = time(9)
#: days before expiry at which a lot is warned, furthest first
THRESHOLDS = (7, 1)


def threshold(days_left: int) -> int | None:
    """The warning a lot `days_left` (local days) from expiry is due: the
    nearest threshold it has reached, or None beyond the furthest."""
    reached = [days for days in THRESHOLDS if days_left <= days]
    return min(reached) if reached else None


def warn_expiring_credits() -> int:
    """Periodic (hourly): tell members whose credits expire within 7 days;
    return how many lots were due a warning (already warned ones included).

    Does nothing before 09:00 gym time. Raises nothing of its own. Queues
    the `credits_expiring` news (through `signals.tell`), at most once per
    lot and threshold.
    """
    now = utc_now()
    zone = gym_zone()
    if now.astimezone(zone).time() < WARN_FROM:
        return 0
    today = local_date(now, zone)
    horizon = now + timedelta(days=max(THRESHOLDS) + 1)
    with transaction():
        lots = db.session.scalars(
            select(CreditLot)
            .where(
                CreditLot.remaining_cc > 0,
                CreditLot.expires_at > now,
                CreditLot.expires_at <= horizon,
            )
            .order_by(CreditLot.id)
        ).all()
        due = 0
        for lot in lots:
            days = threshold((local_date(lot.expires_at, zone) - today).days)
            if days is None:
                continue
            due += 1
            signals.tell(
                lot.member_id,
                "credits_expiring",
                key=f"credits-expiring-{lot.id}-{days}",
                link=app_path("memberships.credits"),
                credits=format_credits(lot.remaining_cc),
                expires_at=lot.expires_at.isoformat(),
                days=days,
            )
    return due
