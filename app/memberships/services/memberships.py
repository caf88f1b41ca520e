"""Membership operations shared by staff pages, billing and jobs.

Each write is one transaction with its permission check and audit entry:
the plan catalogue (admins), complimentary grants (admins), selling (for
billing) and cancelling memberships,
and adjusting credits (admins and the front desk, who sell packs at the
desk). Credit pack purchases and adjustments go through `ledger`, inside the
same transaction. None of them queues a job or an email.
"""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.core import audit
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.i18n import gym_today
from app.core.models import utc_now
from app.core.permissions import ADMIN, DESK, require_role
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import (
    CreditLot,
    LotSource,
    Membership,
    MembershipStatus,
    Plan,
    PlanInterval,
    PlanKind,
)
from app.memberships.rules import end_of_day, plan_period

PLAN_FIELDS = [
    "name",
    "description",
    "price_minor",
    "currency",
    "interval",
    "kind",
    "credits_cc",
    "valid_days",
    "perks",
    "entitlements",
    "is_active",
]
#: the longest reason for a complimentary grant
REASON_MAX = 300
#: how far back staff may date a membership they enter late, and how far ahead
BACKDATE_DAYS, AHEAD_DAYS = 31, 365
MAX_PACK_DAYS = 3660
MAX_PRICE_MINOR = 100_000_000


class MembershipError(DomainError):
    """A membership rule said no; `str(exc)` is shown to the user."""


def expire_credit_lots() -> int:
    """Daily job: write expiry entries for lapsed lots; return how many.

    Raises nothing of its own. Queues nothing.
    """
    with transaction():
        return ledger.expire_lots()


# ---- the plan catalogue -----------------------------------------------------


def save_plan(plan_id: int | None, values: dict, *, actor) -> Plan:
    """Create (plan_id None) or change a plan; admins only.

    `values` holds PLAN_FIELDS (currency defaults to the gym's). Raises
    AccessDenied unless `actor` is an admin, MembershipError for a missing,
    too long or taken name, a price out of range, an unlimited plan without a
    period, a credit pack without credits or days, or a plan that no longer
    exists. Queues nothing.
    """
    require_role(actor, *ADMIN)
    values = _checked_plan(values)
    with transaction():
        taken = select(Plan.id).where(func.lower(Plan.name) == values["name"].lower())
        if plan_id is not None:
            taken = taken.where(Plan.id != plan_id)
        if db.session.scalar(taken) is not None:
            raise MembershipError(_("There is already a plan with this name."), field="name")
        if plan_id is None:
            plan, before = Plan(), None
        else:
            plan = db.session.get(Plan, plan_id, with_for_update=True, populate_existing=True)
            if plan is None:
                raise MembershipError(_("This plan no longer exists."))
            before = audit.changes(plan, PLAN_FIELDS)
        for name in PLAN_FIELDS:
            setattr(plan, name, values[name])
        db.session.add(plan)
        db.session.flush()
        after = audit.changes(plan, PLAN_FIELDS)
        if before != after:
            action = "plan.created" if plan_id is None else "plan.updated"
            audit.record(action, plan, actor=actor, before=before, after=after)
    return plan


def _checked_plan(values: dict) -> dict:
    from app.settings.services import gym_settings

    values = dict(values)
    values["name"] = " ".join((values.get("name") or "").split())
    if not values["name"]:
        raise MembershipError(_("Enter the plan's name."), field="name")
    if len(values["name"]) > 80:
        raise MembershipError(_("Use at most %(max)d characters.", max=80), field="name")
    values["description"] = (values.get("description") or "").strip()
    price = values.get("price_minor")
    if price is None or not 0 <= price <= MAX_PRICE_MINOR:
        raise MembershipError(_("Enter a price of zero or more."), field="price")
    values.setdefault("currency", gym_settings().currency)
    values["perks"] = list(values.get("perks") or [])
    values["entitlements"] = list(values.get("entitlements") or [])
    values.setdefault("is_active", True)
    if values["kind"] is PlanKind.UNLIMITED:
        if values["interval"] is PlanInterval.NONE:
            raise MembershipError(
                _("An unlimited plan runs by the month or by the year."), field="interval"
            )
        values["credits_cc"] = values["valid_days"] = None
    else:
        credits_cc = values.get("credits_cc")
        if not credits_cc or credits_cc <= 0:
            raise MembershipError(_("Enter how many credits the pack gives."), field="credits")
        days = values.get("valid_days")
        if not days or not 1 <= days <= MAX_PACK_DAYS:
            raise MembershipError(
                _("Enter between %(min)d and %(max)d days.", min=1, max=MAX_PACK_DAYS),
                field="valid_days",
            )
    return values


# ---- memberships ------------------------------------------------------------


def _member(member_id: int, *, lock: bool = False) -> User:
    member = db.session.get(User, member_id, with_for_update=lock, populate_existing=lock)
    if member is None or not member.is_member:
        raise MembershipError(_("This person is not a member."))
    return member


def grant_complimentary(
    member_id: int, plan_id: int, reason: str, *, starts_on: date | None = None, actor
):
    """Give a member a plan or pack free, with the reason why; admins only.

    Anything else a member holds was paid for: the desk sells through the
    billing services (invoice, drawer). The reason is kept on the membership
    (and a pack's credit lot) and in the `membership.granted` audit entry,
    and every page showing them says "Complimentary". A credit pack also
    grants its credits (one lot, expiring at the end of the pack's last day)
    in the same transaction. Raises AccessDenied for anyone but an admin,
    MembershipError for a missing or too long reason, a non-member, a plan
    no longer offered, a start date out of range, or an unlimited plan
    overlapping one the member already has. Queues nothing.
    """
    require_role(actor, *ADMIN)
    reason = " ".join((reason or "").split())
    if not reason:
        raise MembershipError(_("Say why this is given free."), field="reason")
    if len(reason) > REASON_MAX:
        raise MembershipError(_("Use at most %(max)d characters.", max=REASON_MAX), field="reason")
    today = gym_today()
    starts_on = starts_on or today
    if starts_on < today - timedelta(days=BACKDATE_DAYS):
        raise MembershipError(
            _("A membership can start at most %(num)d days ago.", num=BACKDATE_DAYS),
            field="starts_on",
        )
    if starts_on > today + timedelta(days=AHEAD_DAYS):
        raise MembershipError(
            _("A membership can start at most %(num)d days ahead.", num=AHEAD_DAYS),
            field="starts_on",
        )
    with transaction():
        member = _member(member_id, lock=True)  # one grant per member at a time
        plan = _offered_plan(plan_id)
        ends_on, _renews_on = plan_period(plan, starts_on)
        if plan.kind is PlanKind.UNLIMITED and _overlapping_unlimited(
            member.id, starts_on, ends_on
        ):
            raise MembershipError(
                _("This member already has an unlimited membership for these dates."),
                field="starts_on",
            )
        membership, _lot = _grant_plan(
            member, plan, starts_on, "", actor=actor, complimentary_reason=reason
        )
    return membership


def _offered_plan(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None or not plan.is_active:
        raise MembershipError(_("This plan is no longer offered."), field="plan_id")
    return plan


def _grant_plan(
    member: User,
    plan: Plan,
    starts_on: date,
    note: str,
    *,
    actor,
    complimentary_reason: str | None = None,
):
    """Write the membership (and a pack's lot) and its audit entry:
    `membership.granted` for a complimentary one, else `membership.assigned`."""
    ends_on, renews_on = plan_period(plan, starts_on)
    membership = Membership(
        member_id=member.id,
        plan=plan,
        status=MembershipStatus.ACTIVE,
        period_start=starts_on,
        period_end=ends_on,
        renews_on=renews_on,
        payment_note=note,
        complimentary_reason=complimentary_reason,
    )
    db.session.add(membership)
    db.session.flush()
    lot = None
    if plan.kind is PlanKind.CREDITS:
        lot = ledger.grant(
            member.id,
            plan.credits_cc,
            end_of_day(ends_on),
            source=LotSource.PURCHASE,
            membership_id=membership.id,
            actor=actor,
            reason=plan.name,
        )
        lot.complimentary_reason = complimentary_reason
    after = {
        "member_id": member.id,
        "plan_id": plan.id,
        "plan": plan.name,
        "period_start": starts_on.isoformat(),
        "period_end": ends_on.isoformat(),
        "credits_cc": lot.granted_cc if lot else 0,
    }
    if complimentary_reason is None:
        after["payment_note"] = note
        action = "membership.assigned"
    else:
        after["reason"] = complimentary_reason
        action = "membership.granted"
    audit.record(action, membership, actor=actor, after=after)
    return membership, lot


def sell_plan(member_id: int, plan_id: int, note: str, *, actor):
    """A plan was paid for (billing calls this inside the payment's transaction).

    A pack starts today. An unlimited plan renews: it starts the day after
    the member's current or past-due unlimited period ends, so a renewal paid
    early leaves no gap and one paid late is active again at once (the
    past-due period is closed as expired); with nothing to renew, today.
    Returns (membership, credit lot or None). Raises MembershipError for a
    non-member or a plan no longer offered. Queues nothing.
    """
    today = gym_today()
    with transaction():
        member = _member(member_id, lock=True)
        plan = _offered_plan(plan_id)
        starts_on = today
        if plan.kind is PlanKind.UNLIMITED:
            starts_on = _renewal_start(member.id, today)
        return _grant_plan(member, plan, starts_on, note, actor=actor)


def _renewal_start(member_id: int, today: date) -> date:
    previous = db.session.scalars(
        select(Membership)
        .join(Plan, Plan.id == Membership.plan_id)
        .where(
            Membership.member_id == member_id,
            Membership.status.in_([MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE]),
            Plan.kind == PlanKind.UNLIMITED,
        )
        .order_by(Membership.period_end.desc())
    ).all()
    for membership in previous:
        if membership.status is MembershipStatus.PAST_DUE:
            membership.status = MembershipStatus.EXPIRED  # paid late: the new period takes over
    latest = previous[0] if previous else None
    running = latest is not None and latest.status is MembershipStatus.ACTIVE
    return (
        latest.period_end + timedelta(days=1) if running and latest.period_end >= today else today
    )


def _overlapping_unlimited(member_id: int, starts_on: date, ends_on: date) -> bool:
    return (
        db.session.scalar(
            select(Membership.id)
            .join(Plan, Plan.id == Membership.plan_id)
            .where(
                Membership.member_id == member_id,
                Membership.status.in_([MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE]),
                Plan.kind == PlanKind.UNLIMITED,
                Membership.period_start <= ends_on,
                Membership.period_end >= starts_on,
            )
            .limit(1)
        )
        is not None
    )


def cancel_membership(membership_id: int, *, actor) -> Membership:
    """End a membership now; admins and front desk.

    Credits already granted stay with the member (staff adjust them if the
    money is returned). Raises AccessDenied for anyone else,
    MembershipError when it is gone or already over. Queues nothing.
    """
    require_role(actor, *DESK)
    with transaction():
        membership = db.session.get(
            Membership, membership_id, with_for_update=True, populate_existing=True
        )
        if membership is None:
            raise MembershipError(_("This membership no longer exists."))
        if membership.status in (MembershipStatus.CANCELLED, MembershipStatus.EXPIRED):
            raise MembershipError(_("This membership has already ended."))
        before = audit.changes(membership, ["status", "renews_on"])
        membership.status = MembershipStatus.CANCELLED
        membership.cancelled_at = utc_now()
        membership.renews_on = None
        audit.record(
            "membership.cancelled",
            membership,
            actor=actor,
            before=before,
            after=audit.changes(membership, ["status", "renews_on"]),
        )
    return membership


# ---- credits ----------------------------------------------------------------


def adjust_credits(
    member_id: int, amount_cc: int, reason: str, *, expires_on: date | None = None, actor
):
    """Add credits (a new lot valid through `expires_on`) or take them away.

    Admins and front desk. Raises AccessDenied for anyone else,
    MembershipError for a non-member or a past expiry date, and
    ledger.CreditError (a DomainError) for a missing reason, zero, a missing
    expiry, or taking more than the member has. Queues nothing.
    """
    require_role(actor, *DESK)
    today = gym_today()
    if amount_cc and amount_cc > 0 and expires_on is not None and expires_on < today:
        raise MembershipError(_("Choose today or a later date."), field="expires_on")
    with transaction():
        member = _member(member_id, lock=True)
        expires_at = end_of_day(expires_on) if expires_on else None
        result = ledger.adjust(member.id, amount_cc, reason, actor=actor, expires_at=expires_at)
        after = {"amount_cc": amount_cc, "reason": (reason or "").strip()}
        if isinstance(result, CreditLot):
            after.update(lot_id=result.id, expires_on=expires_on.isoformat())
        else:
            after["entry_id"] = result.id
        audit.record("credits.adjusted", member, actor=actor, after=after)
    return result
