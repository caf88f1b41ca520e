"""What the scanner pages read: today's classes, and recent unknown codes.

The rate limit on bad scans is counted from the scan log in the database,
not kept in memory, so it holds across any number of web processes.
"""

from datetime import timedelta

from sqlalchemy import func, select

from app.attendance.models import ScanAttempt, ScanResult
from app.core.clock import local_date
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.extensions import db
from app.scheduling.models import ClassSession, SessionStatus
from app.scheduling.queries import SessionFilters, local_range, sessions_between
from app.trainers.models import Trainer

#: only codes that are none of ours count: a genuine code held up again and
#: again ("already checked in") is not someone guessing
BAD_RESULTS = (ScanResult.UNKNOWN,)
BAD_SCANS_PER_MINUTE = 15
#: one account may drive several devices; a device cookie is easy to drop
BAD_SCANS_PER_MINUTE_PER_ACCOUNT = 4 * BAD_SCANS_PER_MINUTE


def todays_sessions(user, *, everyone: bool) -> list[ClassSession]:
    """Today's published classes (gym time): all of them, or `user`'s own."""
    filters = SessionFilters(include_cancelled=False)
    if not everyone:
        trainer_id = db.session.scalar(select(Trainer.id).where(Trainer.user_id == user.id))
        if trainer_id is None:
            return []
        filters.trainer_id = trainer_id
    sessions = sessions_between(*local_range(local_date(utc_now(), gym_zone()), 1), filters)
    return [s for s in sessions if s.status is SessionStatus.PUBLISHED]


def _recent_bad(*conditions) -> int:
    since = utc_now() - timedelta(minutes=1)
    return db.session.scalar(
        select(func.count())
        .select_from(ScanAttempt)
        .where(
            ScanAttempt.scanned_at >= since,
            ScanAttempt.result.in_(BAD_RESULTS),
            *conditions,
        )
    )


def too_many_bad_scans(device: str, scanner_id: int) -> bool:
    """True when this device, or this account, read too many unknown codes
    in the last minute."""
    return (
        _recent_bad(ScanAttempt.device == device[:64]) >= BAD_SCANS_PER_MINUTE
        or _recent_bad(ScanAttempt.scanner_id == scanner_id) >= BAD_SCANS_PER_MINUTE_PER_ACCOUNT
    )
