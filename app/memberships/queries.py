"""Read-side questions about memberships, asked by booking and the member pages."""

from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from app.extensions import db
from app.memberships.models import Membership, MembershipStatus, Plan, PlanKind


def _in_good_standing(first: date, last: date):
    """Unlimited memberships covering some day of first..last: active ones, and
    renewing ones past their end (active or past due) inside the renewal grace."""
    from app.settings.services import gym_settings

    grace = timedelta(days=gym_settings().renewal_grace_days)
    return and_(
        Membership.status.in_([MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE]),
        Membership.period_start <= last,
        or_(
            Membership.period_end >= first,
            and_(Membership.renews_on.is_not(None), Membership.period_end >= first - grace),
        ),
        Plan.kind == PlanKind.UNLIMITED,
    )


def unlimited_membership_on(member_id: int, day: date) -> Membership | None:
    """The member's unlimited membership covering `day`, if any: an active one, or
    one past due (or not yet marked so) still inside the renewal grace period."""
    return db.session.scalar(
        select(Membership)
        .join(Plan, Plan.id == Membership.plan_id)
        .where(Membership.member_id == member_id, _in_good_standing(day, day))
        .order_by(Membership.period_end.desc())
        .limit(1)
    )


def unlimited_days(member_id: int, first: date, last: date) -> list[tuple[date, date]]:
    """(first, last day) each unlimited membership lets the member book in first..last,
    the renewal grace included (one statement)."""
    from app.settings.services import gym_settings

    grace = timedelta(days=gym_settings().renewal_grace_days)
    rows = db.session.execute(
        select(Membership.period_start, Membership.period_end, Membership.renews_on)
        .join(Plan, Plan.id == Membership.plan_id)
        .where(Membership.member_id == member_id, _in_good_standing(first, last))
    ).all()
    return [(start, end + grace if renews else end) for start, end, renews in rows]


def current_memberships(member_id: int, today: date) -> list[Membership]:
    """Memberships active or upcoming today, newest period first."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.member_id == member_id, Membership.period_end >= today)
            .order_by(Membership.period_end.desc())
        )
    )
