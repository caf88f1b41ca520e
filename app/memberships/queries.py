"""Read-side questions about memberships, asked by booking and the member pages."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.memberships.models import Membership, MembershipStatus, Plan, PlanKind


def unlimited_membership_on(member_id: int, day: date) -> Membership | None:
    """The member's active unlimited membership covering `day`, if any."""
    return db.session.scalar(
        select(Membership)
        .join(Plan, Plan.id == Membership.plan_id)
        .where(
            Membership.member_id == member_id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.period_start <= day,
            Membership.period_end >= day,
            Plan.kind == PlanKind.UNLIMITED,
        )
        .order_by(Membership.period_end.desc())
        .limit(1)
    )


def current_memberships(member_id: int, today: date) -> list[Membership]:
    """Memberships active or upcoming today, newest period first."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.member_id == member_id, Membership.period_end >= today)
            .order_by(Membership.period_end.desc())
        )
    )
