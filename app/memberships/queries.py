"""Reads of memberships and credits: booking's questions about a member's
standing, and the membership, credit and plan pages.

Every list runs a fixed number of statements whatever its length, and the
long ones paginate.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select

from app.accounts.models import User
from app.core import signals
from app.core.i18n import gym_today
from app.core.inputs import page_number
from app.core.models import utc_now
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import (
    CreditLot,
    LedgerEntry,
    Membership,
    MembershipStatus,
    Plan,
    PlanKind,
)
from app.memberships.rules import effective_status, grace_ends_on, renewal_due

#: entries per page on the credit pages; memberships and lots shown at most
ENTRIES_PER_PAGE, MEMBERSHIPS_SHOWN, LOTS_SHOWN = 25, 12, 50
PLANS_PER_PAGE = 25


def memberships_of(member_id: int, limit: int = MEMBERSHIPS_SHOWN) -> list[Membership]:
    """The member's most recent memberships (plans come joined), newest first."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.member_id == member_id)
            .order_by(Membership.period_start.desc(), Membership.id.desc())
            .limit(limit)
        )
    )


def live_lots(member_id: int) -> list[CreditLot]:
    """Lots with credits left that have not expired, soonest expiry first."""
    return list(
        db.session.scalars(
            select(CreditLot)
            .where(
                CreditLot.member_id == member_id,
                CreditLot.remaining_cc > 0,
                CreditLot.expires_at > utc_now(),
            )
            .order_by(CreditLot.expires_at, CreditLot.id)
            .limit(LOTS_SHOWN)
        )
    )


@dataclass
class EntryRow:
    entry: LedgerEntry
    actor_name: str | None
    class_name: str | None
    class_starts_at: datetime | None


def entries_page(member_id: int, page: int):
    """One page of the member's ledger, newest first, as EntryRow items.

    Three statements whatever the page size: the page, its count, and the
    actors' names with the classes behind spends, refunds and forfeits.
    """
    pagination = db.paginate(
        select(LedgerEntry)
        .where(LedgerEntry.member_id == member_id)
        .order_by(LedgerEntry.id.desc()),
        page=page_number(page),
        per_page=ENTRIES_PER_PAGE,
        error_out=False,
    )
    entries = list(pagination.items)
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    booking_ids = {e.booking_id for e in entries if e.booking_id}
    names, classes = {}, {}
    if actor_ids or booking_ids:
        names = dict(
            db.session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all()
        )
        for described in signals.answers(signals.bookings_described, booking_ids):
            classes.update(described)
    pagination.items = [
        EntryRow(e, names.get(e.actor_id), *classes.get(e.booking_id, (None, None)))
        for e in entries
    ]
    return pagination


def default_expiry(today: date | None = None) -> date:
    """The expiry date offered for credits staff add: 30 days from today."""
    return (today or gym_today()) + timedelta(days=30)


def plans_page(page: int):
    query = select(Plan).order_by(Plan.is_active.desc(), func.lower(Plan.name), Plan.id)
    return db.paginate(query, page=page_number(page), per_page=PLANS_PER_PAGE, error_out=False)


def plan_options() -> list[tuple[int, str]]:
    """(id, name) of the plans on offer."""
    query = (
        select(Plan.id, Plan.name)
        .where(Plan.is_active.is_(True))
        .order_by(func.lower(Plan.name), Plan.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


# ---- what a member holds today --------------------------------------------


@dataclass
class Snapshot:
    membership: Membership | None
    status: MembershipStatus | None
    renews_on: date | None
    perks: list = field(default_factory=list)
    entitlements: list = field(default_factory=list)
    balance_cc: int = 0
    #: while past due: the last day the member may still book with it
    grace_until: date | None = None
    #: whether there is something to renew (see `rules.renewal_due`)
    renewal_due: bool = False


def _holding(recent: list[Membership], today: date):
    """Each membership's status today, and those the member holds today
    (covering it, or past due inside its grace), the one that counts first:
    unlimited before packs, active before past due, the latest end first."""
    statuses = {m.id: effective_status(m, today) for m in recent}
    holding = [
        m
        for m in recent
        if m.period_start <= today
        and (m.covers(today) or statuses[m.id] is MembershipStatus.PAST_DUE)
    ]
    holding.sort(
        key=lambda m: (
            m.plan.kind is not PlanKind.UNLIMITED,
            statuses[m.id] is not MembershipStatus.ACTIVE,
            -m.period_end.toordinal(),
        )
    )
    return statuses, holding


def member_snapshot(member_id: int, today: date | None = None) -> Snapshot:
    """What the member holds today: main plan, status, renewal, perks,
    entitlements (of every membership covering today, or past due inside its
    grace) and credit balance. An active unlimited membership comes first,
    then a past-due one, so a member who must renew sees it."""
    today = today or gym_today()
    recent = memberships_of(member_id)
    statuses, holding = _holding(recent, today)
    main = holding[0] if holding else (recent[0] if recent else None)
    perks, entitlements = [], []
    for membership in holding:
        perks += [p for p in membership.plan.perks if p not in perks]
        entitlements += [e for e in membership.plan.entitlements if e not in entitlements]
    status = statuses[main.id] if main else None
    followed = main is not None and any(
        m.plan.kind is main.plan.kind
        and m.period_start > main.period_end
        and statuses[m.id] in (MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE)
        for m in recent
    )
    return Snapshot(
        membership=main,
        status=status,
        renews_on=main.renews_on if main and main.covers(today) else None,
        perks=perks,
        entitlements=entitlements,
        balance_cc=ledger.balance(member_id),
        grace_until=grace_ends_on(main) if status is MembershipStatus.PAST_DUE else None,
        renewal_due=main is not None and renewal_due(main, status, today, followed=followed),
    )


# ---- asked by booking ---------------------------------------------------------


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


# ---- asked by the desk's member search ------------------------------------------


@dataclass
class PlanBadge:
    """The plan a search result shows: its name and today's status."""

    plan_name: str
    status: MembershipStatus


def plan_badges(member_ids: list[int], today: date | None = None) -> dict[int, PlanBadge]:
    """{member id: the plan `member_snapshot` would call theirs}, in one statement
    whatever the number of members; members who never had a plan are absent."""
    if not member_ids:
        return {}
    today = today or gym_today()
    recent = (
        select(
            Membership.id,
            func.row_number()
            .over(
                partition_by=Membership.member_id,
                order_by=(Membership.period_start.desc(), Membership.id.desc()),
            )
            .label("rank"),
        )
        .where(Membership.member_id.in_(member_ids))
        .subquery()
    )
    rows = db.session.scalars(
        select(Membership)
        .join(recent, recent.c.id == Membership.id)
        .where(recent.c.rank <= MEMBERSHIPS_SHOWN)
        .order_by(Membership.member_id, Membership.period_start.desc(), Membership.id.desc())
    ).all()
    by_member: dict[int, list[Membership]] = {}
    for membership in rows:
        by_member.setdefault(membership.member_id, []).append(membership)
    return {member_id: _badge(memberships, today) for member_id, memberships in by_member.items()}


def _badge(recent: list[Membership], today: date) -> PlanBadge:
    statuses, holding = _holding(recent, today)
    main = holding[0] if holding else recent[0]
    return PlanBadge(plan_name=main.plan.name, status=statuses[main.id])


def balances(member_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """{member id: spendable credits (hundredths)} in one statement; members
    with none are absent. The same sum as `ledger.balance`, for many."""
    if not member_ids:
        return {}
    now = now or utc_now()
    rows = db.session.execute(
        select(CreditLot.member_id, func.sum(CreditLot.remaining_cc))
        .where(CreditLot.member_id.in_(member_ids), CreditLot.expires_at > now)
        .group_by(CreditLot.member_id)
    )
    return {member_id: total for member_id, total in rows if total}
