"""Plans to sell and members to sell them to, at a fixed instant."""

import pytest

from app.memberships.models import Plan, PlanInterval, PlanKind
from tests.booking.conftest import NOW, Booker


class Till(Booker):
    """The booking builders, plus plans on sale and the desk's people."""

    def pack(self, *, credits=10, price_minor=120_000, days=60, **fields):
        return self._plan(
            name=fields.pop("name", f"Pack {credits} {price_minor}"),
            kind=PlanKind.CREDITS,
            interval=PlanInterval.NONE,
            credits_cc=credits * 100,
            valid_days=days,
            price_minor=price_minor,
            **fields,
        )

    def unlimited_plan(self, *, price_minor=89_900, **fields):
        return self._plan(
            name=fields.pop("name", f"Unlimited {price_minor}"),
            kind=PlanKind.UNLIMITED,
            interval=PlanInterval.MONTH,
            price_minor=price_minor,
            **fields,
        )

    def _plan(self, **fields):
        plan = Plan(**fields)
        self.db.session.add(plan)
        self.db.session.commit()
        return plan

    def desk(self):
        return self.factories.front_desk()

    def admin(self):
        return self.factories.admin()


@pytest.fixture
def till(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    return Till(db, factories, schedule)


__all__ = ["NOW"]
