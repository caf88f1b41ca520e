"""Membership rules with no writes: how long a plan's period runs, the
renewal grace, and the status a person should see.

The services, the page queries and the demo all ask these, so they live
apart from each of them.
"""

import calendar
from datetime import date, datetime, timedelta

from app.core.clock import local_day_bounds
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
