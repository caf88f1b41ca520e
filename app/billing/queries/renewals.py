"""Renewals due: memberships of a recurring plan ending soon, or past due,
that the desk should renew, in a fixed number of statements."""

from datetime import timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from app.core.i18n import gym_today
from app.core.inputs import page_number
from app.extensions import db
from app.memberships.models import Membership, MembershipStatus, Plan, PlanInterval

RENEWALS_PER_PAGE = 50
RECURRING = (PlanInterval.MONTH, PlanInterval.YEAR)


def _renewal_conditions(days: int) -> tuple:
    """(due soon, past due, not followed): memberships to renew at the desk."""
    start = gym_today()
    later = aliased(Membership)
    later_plan = aliased(Plan)
    followed = exists().where(
        later.member_id == Membership.member_id,
        later.id != Membership.id,
        later.period_start > Membership.period_end,
        later.status.in_([MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE]),
        later_plan.id == later.plan_id,
        later_plan.kind == Plan.kind,
    )
    due_soon = and_(
        Membership.status == MembershipStatus.ACTIVE,
        Membership.renews_on.is_not(None),
        Membership.period_end >= start,
        Membership.period_end <= start + timedelta(days=days),
    )
    past_due = Membership.status == MembershipStatus.PAST_DUE
    return due_soon, past_due, and_(Plan.interval.in_(RECURRING), ~followed)


def renewals_due(days: int, page: int):
    """Memberships to renew at the desk: active ones of a recurring plan
    ending within `days` days (today included), and past-due ones, that no
    later membership of the same kind of plan follows. Soonest end first."""
    due_soon, past_due, renewable = _renewal_conditions(days)
    query = (
        select(Membership)
        .join(Plan, Plan.id == Membership.plan_id)
        .options(joinedload(Membership.member))
        .where(renewable, or_(past_due, due_soon))
        .order_by(Membership.period_end, Membership.id)
    )
    return db.paginate(query, page=page_number(page), per_page=RENEWALS_PER_PAGE, error_out=False)


def renewal_counts(days: int) -> tuple[int, int]:
    """How many of `renewals_due(days)` are due soon and how many past due (one statement)."""
    due_soon, past_due, renewable = _renewal_conditions(days)
    row = db.session.execute(
        select(
            func.count(case((due_soon, Membership.id))),
            func.count(case((past_due, Membership.id))),
        )
        .select_from(Membership)
        .join(Plan, Plan.id == Membership.plan_id)
        .where(renewable, or_(past_due, due_soon))
    ).one()
    return row[0], row[1]
