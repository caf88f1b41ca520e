"""The daily renewal check (memberships past their end become past due, then
expired) and the links in the emails it sends.

A renewing membership (one with `renews_on`) whose period has ended and was
not paid for becomes PAST_DUE: for the gym's `renewal_grace_days` the member
may still book as before (see `queries.unlimited_membership_on`) and is
emailed a link to renew. After the grace it becomes EXPIRED, and the member
is emailed again. A membership that does not renew (a class pack) simply
expires, and so, silently, does one that a later unlimited membership
covering today already took over. Each change is its own transaction with
its audit entry (actor None); running the check again changes nothing.
"""

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from werkzeug.routing import BuildError

from app.accounts.models import User
from app.core import audit, signals
from app.core.db import transaction
from app.core.i18n import gym_today
from app.core.urls import app_path, external_url
from app.extensions import db
from app.memberships.models import Membership, MembershipStatus, Plan, PlanKind
from app.memberships.rules import grace_days, grace_ends_on

#: where a member renews: the member shop of the online purchases
SHOP_ENDPOINT = "billing_online.shop"
PAST_DUE_EMAIL, EXPIRED_EMAIL = "membership_past_due", "membership_expired"


def check_renewals(today: date | None = None) -> Counter:
    """Daily job: move lapsed memberships on; returns a count per audit action.

    ACTIVE ones past their end become PAST_DUE (emailed) or, when they do not
    renew or a later unlimited membership covers today, EXPIRED (silently);
    PAST_DUE ones past their grace become EXPIRED (emailed). A run that found
    the job down for longer than the grace expires an active one directly,
    with a single email. Raises nothing of its own. Queues, after each
    membership's commit, its `membership_past_due` or `membership_expired`
    email (job notifications.deliver_email) when the member's account is active.
    """
    today = today or gym_today()
    grace = timedelta(days=grace_days())
    candidates = db.session.scalars(
        select(Membership.id)
        .where(
            or_(
                and_(Membership.status == MembershipStatus.ACTIVE, Membership.period_end < today),
                and_(
                    Membership.status == MembershipStatus.PAST_DUE,
                    Membership.period_end < today - grace,
                ),
            )
        )
        .order_by(Membership.id)
    ).all()
    done = Counter()
    for membership_id in candidates:
        action = _move_on(membership_id, today)
        if action:
            done[action] += 1
    return done


def _move_on(membership_id: int, today: date) -> str | None:
    """One membership's next step, under the member's lock (as payments take it)."""
    with transaction():
        member_id = db.session.scalar(
            select(Membership.member_id).where(Membership.id == membership_id)
        )
        member = db.session.get(User, member_id, with_for_update=True, populate_existing=True)
        membership = db.session.get(
            Membership, membership_id, with_for_update=True, populate_existing=True
        )
        status, email = _next_step(membership, today)
        if status is None:
            return None  # another run, or a payment, got here first
        before = audit.changes(membership, ["status"])
        membership.status = status
        action = f"membership.{status.value}"
        audit.record(
            action,
            membership,
            actor=None,
            before=before,
            after=dict(audit.changes(membership, ["status"]), emailed=email is not None),
        )
        if email is not None and member.is_active:
            signals.tell(member.id, email, link=_shop_path(), **_email_context(member, membership))
    return action


def _next_step(membership: Membership, today: date):
    """(new status, email template or None), or (None, None) when nothing is due."""
    if membership.period_end >= today:
        return None, None
    if membership.status is MembershipStatus.ACTIVE:
        if membership.renews_on is None or _taken_over(membership, today):
            return MembershipStatus.EXPIRED, None
        if grace_ends_on(membership) < today:
            return MembershipStatus.EXPIRED, EXPIRED_EMAIL
        return MembershipStatus.PAST_DUE, PAST_DUE_EMAIL
    if membership.status is MembershipStatus.PAST_DUE and grace_ends_on(membership) < today:
        if _taken_over(membership, today):
            return MembershipStatus.EXPIRED, None
        return MembershipStatus.EXPIRED, EXPIRED_EMAIL
    return None, None


def _taken_over(membership: Membership, today: date) -> bool:
    """Whether another active unlimited membership of the member covers today."""
    return (
        db.session.scalar(
            select(Membership.id)
            .join(Plan, Plan.id == Membership.plan_id)
            .where(
                Membership.member_id == membership.member_id,
                Membership.id != membership.id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.period_start <= today,
                Membership.period_end >= today,
                Plan.kind == PlanKind.UNLIMITED,
            )
            .limit(1)
        )
        is not None
    )


def _email_context(member: User, membership: Membership) -> dict:
    return {
        "name": member.name,
        "plan_name": membership.plan.name,
        "ended_on": membership.period_end.isoformat(),
        "grace_until": grace_ends_on(membership).isoformat(),
    }


# ---- links to renew -----------------------------------------------------------


def _shop_path() -> str | None:
    try:
        return app_path(SHOP_ENDPOINT)
    except BuildError:
        return None


def renew_url(*, external: bool = False) -> str | None:
    """The member shop's address, or None while the shop is not open.

    Raises nothing; queues nothing.
    """
    from flask import url_for

    try:
        return external_url(SHOP_ENDPOINT) if external else url_for(SHOP_ENDPOINT)
    except BuildError:
        return None


def email_extras(template: str, *, context: dict) -> tuple[dict, list]:
    """At render time: the dates as dates, and the renewal link (the shop, or the
    member's membership page while the shop is not open).

    The `email_extras` receiver of the two renewal emails; writes nothing,
    raises nothing of its own, queues nothing.
    """
    return {
        "ended_on": date.fromisoformat(context["ended_on"]),
        "grace_until": date.fromisoformat(context["grace_until"]),
        "renew_url": renew_url(external=True) or external_url("memberships.membership"),
    }, []
