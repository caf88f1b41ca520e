"""The demo gym's staff data, one function per part."""

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core.i18n import gym_today, gym_zone
from app.core.models import utc_now
from app.extensions import db
from app.staff.models import Leave, LeaveKind, LeaveStatus, leave_span
from app.trainers.models import Trainer

# -- leave, approval and cover -------------------------------------------------


def _trainer(email: str) -> Trainer | None:
    return db.session.scalar(select(Trainer).join(Trainer.user).where(User.email == email))


def seed_leave(admin) -> int:
    """Carla's pending request three weeks ahead, and Diego's approved leave
    of last month; return how many requests were added."""
    today, zone = gym_today(), gym_zone()
    added = 0
    plans = [
        ("carla@cupo.demo", LeaveKind.VACATION, 21, 23, LeaveStatus.PENDING, "Boda de mi hermana."),
        ("diego@cupo.demo", LeaveKind.SICK, -30, -28, LeaveStatus.APPROVED, "Gripe."),
    ]
    for email, kind, first, last, status, reason in plans:
        trainer = _trainer(email)
        if trainer is None:
            continue
        first_day, last_day = today + timedelta(days=first), today + timedelta(days=last)
        starts_at, ends_at = leave_span(first_day, last_day, None, None, zone)
        decided = status is LeaveStatus.APPROVED
        db.session.add(
            Leave(
                trainer_id=trainer.id,
                kind=kind,
                first_day=first_day,
                last_day=last_day,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=reason,
                status=status,
                requested_at=starts_at - timedelta(days=7) if decided else utc_now(),
                requested_by_id=trainer.user_id,
                decided_at=starts_at - timedelta(days=6) if decided else None,
                decided_by_id=admin.id if decided else None,
                decision_comment="Recupérate pronto." if decided else "",
            )
        )
        added += 1
    db.session.flush()
    return added
