"""Builders for the staff booking tool tests: classes, members who may book,
and roster rows written directly (no engine checks) for page tests."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.booking.models import Booking, BookingStatus, Hold, WaitlistEntry, WaitlistStatus
from app.core.db import transaction
from app.memberships import ledger
from app.memberships.models import CC, LotSource, Membership, Plan, PlanKind
from tests.accounts.support import page_text
from tests.scheduling.admin_support import NOW, add_session
from tests.scheduling.conftest import Schedule


class Desk:
    """Makes what a front-desk test needs, in the rolled-back test database."""

    def __init__(self, db, factories):
        self.db, self.factories = db, factories
        self.schedule = Schedule(db, factories)

    def session(self, *, capacity=5, starts_in=timedelta(days=2), credits=1, **type_fields):
        """A published class `starts_in` from NOW, costing `credits`."""
        trainer = self.schedule.trainer(name="Carla Méndez")
        room = self.schedule.room(capacity=max(capacity, 20))
        class_type = self.schedule.class_type(credits_required=credits, **type_fields)
        return add_session(self.db, class_type, trainer, room, NOW + starts_in, capacity=capacity)

    def member(self, credits=0, **fields):
        """A member with `credits` credits that expire in 30 days."""
        member = self.factories.member(**fields)
        if credits:
            with transaction():
                ledger.grant(
                    member.id, credits * CC, NOW + timedelta(days=30), source=LotSource.PURCHASE
                )
        return member

    def unlimited(self, **fields):
        """A member with an active unlimited membership covering December 2026."""
        member = self.factories.member(**fields)
        plan = Plan(name=f"Unlimited {member.id}", kind=PlanKind.UNLIMITED, price_minor=89900)
        self.db.session.add(
            Membership(
                member_id=member.id,
                plan=plan,
                period_start=date(2026, 11, 1),
                period_end=date(2026, 12, 31),
            )
        )
        self.db.session.commit()
        return member

    def booking(self, cs, member=None, **fields):
        """A confirmed booking row, written directly."""
        return self._save(
            Booking(session_id=cs.id, member_id=(member or self.member()).id, **fields)
        )

    def hold(self, cs, member=None, *, expires_in=timedelta(minutes=7), **fields):
        return self._save(
            Hold(
                session_id=cs.id,
                member_id=(member or self.member()).id,
                expires_at=NOW + expires_in,
                **fields,
            )
        )

    def waiting(self, cs, member=None, **fields):
        return self._save(
            WaitlistEntry(session_id=cs.id, member_id=(member or self.member()).id, **fields)
        )

    def _save(self, obj):
        self.db.session.add(obj)
        self.db.session.commit()
        return obj

    def bookings_of(self, cs, status=BookingStatus.CONFIRMED) -> list[Booking]:
        return list(
            self.db.session.scalars(
                select(Booking)
                .where(Booking.session_id == cs.id, Booking.status == status)
                .execution_options(populate_existing=True)
            )
        )


@pytest.fixture
def desk(db, factories, now):
    """Builders, with the clock at NOW (Tuesday 9:00 at the gym)."""
    return Desk(db, factories)


def section(response, name: str) -> str:
    """The HTML of one roster card (`confirmed`, `holds` or `waitlist`)."""
    match = re.search(rf'data-testid="roster-{name}">(.*?)</table>', page_text(response), re.S)
    assert match, f"no {name} section"
    return match.group(1)


def member_ids_in(html: str) -> list[int]:
    """The member ids of a roster section's rows, in page order."""
    return [int(i) for i in re.findall(r'data-member-id="(\d+)"', html)]


__all__ = ["NOW", "BookingStatus", "WaitlistStatus"]
