"""Membership rules with no writes: how long a plan's period runs, the
renewal grace, and the status a person should see.

The services, the page queries and the demo all ask these, so they live
apart from each of them.
"""

import calendar
from datetime import date, datetime, timedelta

from app.core.clock import local_date, local_day_bounds
from app.core.i18n import gym_zone
from app.memberships.models import Membership, MembershipStatus, Plan, PlanInterval, PlanKind


def add_months(day: date, months: int) -> date:
    """The same day `months` later, kept inside short months (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def plan_period(plan: Plan, starts_on: date) -> tuple[date, date | None]:
    """(last day covered, renewal date) of a membership starting `starts_on`.

    A credit pack covers `valid_days` days after its first day (its credits
    last until the end of that day); an unlimited plan one month or year.
    """
    months = {PlanInterval.MONTH: 1, PlanInterval.YEAR: 12}.get(plan.interval)
    renews_on = add_months(starts_on, months) if months else None
    if plan.kind is PlanKind.CREDITS:
        return starts_on + timedelta(days=plan.valid_days), renews_on
    return renews_on - timedelta(days=1), renews_on


def end_of_day(day: date) -> datetime:
    """The UTC instant a local day ends (the next local midnight)."""
    return local_day_bounds(day, gym_zone())[1]


def last_valid_day(expires_at: datetime) -> date:
    """The last local day an expiry instant still covers: the inverse of
    `end_of_day`. Every page shows a credit lot's expiry through this (the
    `valid_until` filter): formatted as a date, the instant itself is the
    next local midnight and reads one day late."""
    return local_date(expires_at - timedelta(microseconds=1), gym_zone())


# ---- renewing -------------------------------------------------------------------

#: how many days before its end a renewing plan offers "Renew" to its member
RENEWAL_NOTICE_DAYS = 7


def renewal_due(
    membership: Membership, status: MembershipStatus, today: date, *, followed: bool = False
) -> bool:
    """Whether the member has something to renew: a monthly or yearly unlimited
    plan still on sale, not cancelled nor already followed by a later period,
    that is past due, expired, or ends within RENEWAL_NOTICE_DAYS."""
    plan = membership.plan
    if followed or plan.kind is not PlanKind.UNLIMITED or not plan.is_active:
        return False
    if plan.interval not in (PlanInterval.MONTH, PlanInterval.YEAR):
        return False
    if status in (MembershipStatus.PAST_DUE, MembershipStatus.EXPIRED):
        return True
    return (
        status is MembershipStatus.ACTIVE
        and membership.renews_on is not None
        and membership.period_end <= today + timedelta(days=RENEWAL_NOTICE_DAYS)
    )


# ---- the renewal grace --------------------------------------------------------


def grace_days() -> int:
    """The gym's renewal grace, in days."""
    from app.settings.services import gym_settings

    return gym_settings().renewal_grace_days


def grace_ends_on(membership: Membership) -> date:
    """The last day a membership may be used: its own last day, plus the
    renewal grace when it renews."""
    if membership.renews_on is None:
        return membership.period_end
    return membership.period_end + timedelta(days=grace_days())


def effective_status(membership: Membership, today: date) -> MembershipStatus:
    """The status a person should see, before the daily renewal check catches up:
    a renewing membership past its end is past due until the grace runs out,
    then expired; one that does not renew is expired at once."""
    status = membership.status
    if status is MembershipStatus.ACTIVE and membership.period_end < today:
        status = MembershipStatus.PAST_DUE if membership.renews_on else MembershipStatus.EXPIRED
    if status is MembershipStatus.PAST_DUE and grace_ends_on(membership) < today:
        status = MembershipStatus.EXPIRED
    return status
