"""Builders for trainers, their classes, bookings and leave (tests/staff/leave)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import g

from app.booking.services.bookings import book_now
from app.core.db import transaction
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.scheduling.services.sessions import create_session
from app.settings.models import DEFAULTS, GymSettings
from app.staff.models import Leave, LeaveKind
from app.staff.services.leave import decide_leave, request_leave

#: Tuesday 1 Dec 2026, 09:00 in Mexico City (the default zone)
NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
TODAY = date(2026, 12, 1)


class Gym:
    def __init__(self, db, factories, schedule):
        self.db, self.factories, self.schedule = db, factories, schedule
        self.room = schedule.room(capacity=30)

    def admin(self):
        return self.schedule.admin()

    def trainer(self, name=None, **fields):
        return self.schedule.trainer(name=name, **fields)

    def session(self, trainer, *, starts_at=None, starts_in=timedelta(days=2), tags=(), room=None):
        class_type = self.schedule.class_type(tags=list(tags), credits_required=1)
        return create_session(
            {
                "class_type_id": class_type.id,
                "starts_at": starts_at or NOW + starts_in,
                "trainer_id": trainer.id,
                "room_id": (room or self.room).id,
                "capacity": 10,
            },
            actor=self.admin(),
        )

    def booked_member(self, cs, **fields):
        member = self.factories.member(**fields)
        with transaction():
            ledger.grant(member.id, 5 * CC, NOW + timedelta(days=60), source=LotSource.PURCHASE)
        book_now(cs.id, member, actor=member)
        return member

    def leave(
        self, trainer, first=TODAY + timedelta(days=1), last=None, *, approve=False, **values
    ):
        values = {
            "kind": LeaveKind.VACATION,
            "first_day": first,
            "last_day": last or first,
            "start_time": None,
            "end_time": None,
            "reason": "",
            **values,
        }
        leave = request_leave(trainer.id, values, actor=trainer.user)
        if approve:
            decide_leave(leave.id, True, "", actor=self.admin())
        return self.db.session.get(Leave, leave.id, populate_existing=True)

    def settings(self, **values):
        settings = self.db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
        for name, value in values.items():
            setattr(settings, name, value)
        self.db.session.add(settings)
        self.db.session.commit()
        g.pop("gym_settings", None)


@pytest.fixture
def gym(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    return Gym(db, factories, schedule)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A gym-local wall-clock time in Mexico City (UTC-6 in December) as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC) + timedelta(hours=6)
