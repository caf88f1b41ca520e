"""Builders for plans, memberships and credit lots."""

import itertools
from datetime import datetime, timedelta

import pytest

from app.memberships import ledger
from app.memberships.models import CC, LotSource, PlanInterval, PlanKind
from app.memberships.services.memberships import grant_complimentary, save_plan

_numbers = itertools.count(1)


class Memberships:
    def __init__(self, db, factories):
        self.db, self.factories = db, factories
        self._admin = None

    @property
    def admin(self):
        if self._admin is None:
            self._admin = self.factories.admin(name="Plan Admin")
        return self._admin

    def plan(self, **values):
        """An unlimited monthly plan unless told otherwise."""
        values.setdefault("name", f"Plan {next(_numbers)}")
        values.setdefault("description", "")
        values.setdefault("price_minor", 89_900)
        values.setdefault("interval", PlanInterval.MONTH)
        values.setdefault("kind", PlanKind.UNLIMITED)
        values.setdefault("credits_cc", None)
        values.setdefault("valid_days", None)
        values.setdefault("perks", [])
        values.setdefault("entitlements", [])
        values.setdefault("is_active", True)
        return save_plan(None, values, actor=self.admin)

    def pack(self, credits: int = 10, days: int = 60, **values):
        values.update(kind=PlanKind.CREDITS, interval=PlanInterval.NONE)
        return self.plan(credits_cc=credits * CC, valid_days=days, **values)

    def membership(self, member=None, plan=None, reason="Test grant", **kwargs):
        """A complimentary grant by an admin (the paid way is billing's)."""
        member = member or self.factories.member()
        plan_id = (plan or self.plan()).id
        return grant_complimentary(member.id, plan_id, reason, actor=self.admin, **kwargs)

    def lot(self, member, credits_cc: int, expires_at: datetime | None = None):
        from app.core.db import transaction
        from app.core.models import utc_now

        with transaction():
            return ledger.grant(
                member.id,
                credits_cc,
                expires_at or utc_now() + timedelta(days=30),
                source=LotSource.ADJUSTMENT,
                actor=self.admin,
                reason="test",
            )


@pytest.fixture
def memberships(db, factories):
    return Memberships(db, factories)


@pytest.fixture
def booked(db, factories):
    """booked(member, credits_cc, spend=True): a booking in a class two days out."""
    from app.booking.models import Booking
    from app.core.db import transaction
    from app.core.models import utc_now
    from app.scheduling.models import ClassSession, ClassType, Room
    from app.trainers.models import Trainer

    def make(member, credits_cc: int = CC, *, spend: bool = True):
        number = next(_numbers)
        starts_at = utc_now() + timedelta(days=2)
        cs = ClassSession(
            class_type=ClassType(name=f"Yoga {number}", default_capacity=10),
            trainer=Trainer(user=factories.trainer()),
            room=Room(name=f"Room {number}", capacity=10),
            occurs_on=starts_at.date(),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            capacity=10,
        )
        with transaction():
            booking = Booking(session=cs, member_id=member.id, credits_cc=credits_cc)
            db.session.add(booking)
            db.session.flush()
            if spend:
                ledger.spend(member.id, credits_cc, booking_id=booking.id, actor=member)
        return booking

    return make
