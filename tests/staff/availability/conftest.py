"""Builders for trainers with availability, 1:1 class types and members with credits."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.core.db import transaction
from app.core.i18n import gym_zone
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.staff.models import AvailabilityBlock

#: Tuesday 1 December 2026, 9:00 in Mexico City (the gym's zone, no DST)
NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
TODAY = date(2026, 12, 1)
WEDNESDAY = date(2026, 12, 2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of a gym-local wall-clock time."""
    return datetime.combine(day, time(hour, minute), tzinfo=gym_zone()).astimezone(UTC)


class OneToOnes:
    def __init__(self, db, factories, schedule):
        self.db, self.factories, self.schedule = db, factories, schedule

    def trainer(self, *, blocks=((2, 9, 13),), **fields):
        """A trainer with weekly blocks (weekday, from hour, to hour); Wednesdays 9-13."""
        trainer = self.schedule.trainer(**fields)
        for weekday, start, end in blocks:
            self.block(trainer, weekday, time(start), time(end))
        return trainer

    def block(self, trainer, weekday, start, end, **fields):
        fields.setdefault("valid_from", date(2026, 11, 1))
        block = AvailabilityBlock(
            trainer_id=trainer.id, weekday=weekday, start_time=start, end_time=end, **fields
        )
        self.db.session.add(block)
        self.db.session.commit()
        return block

    def one_type(self, **fields):
        fields.setdefault("name", "Personal training")
        fields.setdefault("duration_minutes", 60)
        fields.setdefault("default_capacity", 1)
        fields.setdefault("credits_required", 2)
        fields.setdefault("notice_minutes", 60)
        fields.setdefault("horizon_days", 14)
        fields.setdefault("buffer_minutes", 0)
        if "default_room_id" not in fields:
            fields["default_room_id"] = self.schedule.room(name=f"Floor {id(fields)}").id
        return self.schedule.class_type(is_one_to_one=True, **fields)

    def member(self, credits=10, **fields):
        member = self.factories.member(**fields)
        if credits:
            with transaction():
                ledger.grant(
                    member.id,
                    int(credits * CC),
                    NOW + timedelta(days=60),
                    source=LotSource.PURCHASE,
                )
        return member


@pytest.fixture
def ones(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    return OneToOnes(db, factories, schedule)
