"""Reads about trainers' leave."""

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.staff.models import Leave, LeaveStatus


def approved_leave_between(trainer_id: int, start: datetime, end: datetime) -> list[Leave]:
    """The trainer's approved leave that overlaps [start, end), earliest first."""
    return list(
        db.session.scalars(
            select(Leave)
            .where(
                Leave.trainer_id == trainer_id,
                Leave.status == LeaveStatus.APPROVED,
                Leave.starts_at < end,
                Leave.ends_at > start,
            )
            .order_by(Leave.starts_at)
        )
    )
