"""Builders for bookable classes and members who may book them."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.db import transaction
from app.memberships import ledger
from app.memberships.models import CC, LotSource, Membership, Plan, PlanKind
from app.scheduling.models import ClassSession
from app.scheduling.services.sessions import create_session

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)  # Tuesday 9:00 in Mexico City


class Booker:
    def __init__(self, db, factories, schedule):
        self.db, self.factories, self.schedule = db, factories, schedule

    def session(self, *, capacity=5, starts_in=timedelta(days=2), credits=1, **fields):
        class_type = self.schedule.class_type(
            default_trainer_id=self.schedule.trainer().id,
            default_room_id=self.schedule.room(capacity=max(capacity, 20)).id,
            credits_required=credits,
            **fields,
        )
        return create_session(
            {"class_type_id": class_type.id, "starts_at": NOW + starts_in, "capacity": capacity},
            actor=self.schedule.admin(),
        )

    def member(self, credits=0, *, expires_in=timedelta(days=30), **fields):
        member = self.factories.member(**fields)
        if credits:
            with transaction():
                ledger.grant(
                    member.id, int(credits * CC), NOW + expires_in, source=LotSource.PURCHASE
                )
        return member

    def unlimited(self, **fields):
        member = self.factories.member(**fields)
        plan = Plan(name=f"Unlimited {member.id}", kind=PlanKind.UNLIMITED, price_minor=89900)
        self.db.session.add(plan)
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

    def reload(self, model, object_id):
        return self.db.session.get(model, object_id, populate_existing=True)


@pytest.fixture
def booker(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    return Booker(db, factories, schedule)


__all__ = ["NOW", "ClassSession"]
