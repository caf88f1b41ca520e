"""The demo gym's plans, and memberships for about 40 of its 60 members
(one of them past due, for the desk's renewals list).

The members joined before the gym used Cupo: their memberships were paid in
the old system, so they come in as complimentary grants saying so (nothing
in Cupo is ever "paid" without a payment and its invoice)."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.i18n import gym_today
from app.extensions import db
from app.memberships.models import CC, Plan, PlanInterval, PlanKind
from app.memberships.rules import grace_days, plan_period
from app.memberships.services.memberships import (
    BACKDATE_DAYS,
    grant_complimentary,
    save_plan,
)
from app.memberships.services.renewals import check_renewals

#: name, kind, interval, price (minor units), credits, days, perks, facilities, description
PLANS = [
    (
        "Ilimitado mensual",
        PlanKind.UNLIMITED,
        PlanInterval.MONTH,
        89_900,
        None,
        None,
        ["Clases ilimitadas", "Evaluación física de bienvenida"],
        ["lockers", "towels"],
        "Todas las clases que quieras durante el mes.",
    ),
    (
        "Anual ilimitado",
        PlanKind.UNLIMITED,
        PlanInterval.YEAR,
        899_000,
        None,
        None,
        ["Clases ilimitadas", "Dos meses gratis", "Invita a un amigo cada mes"],
        ["lockers", "towels", "sauna", "steam_room"],
        "Un año completo de clases, con sauna y vapor.",
    ),
    (
        "Paquete 10 clases",
        PlanKind.CREDITS,
        PlanInterval.NONE,
        120_000,
        10,
        60,
        ["10 clases a tu ritmo"],
        ["lockers"],
        "Diez créditos para usar en 60 días.",
    ),
    (
        "Paquete 5 clases",
        PlanKind.CREDITS,
        PlanInterval.NONE,
        65_000,
        5,
        30,
        ["5 clases a tu ritmo"],
        ["lockers"],
        "Cinco créditos para usar en 30 días.",
    ),
]
WITH_MEMBERSHIP = 40
#: the member (by position among the 40) whose monthly plan ended unpaid
PAST_DUE_INDEX = WITH_MEMBERSHIP - 1
PAST_DUE_PLAN = "Ilimitado mensual"
#: the reason on the demo's memberships (the gym's language)
MIGRATED_REASON = "Pagado en el sistema anterior, antes de usar Cupo"


def seed_memberships(admin: User, rng: random.Random) -> int:
    """Create the plans and give 40 members a membership; return how many.

    member1 gets the monthly unlimited plan; most others unlimited, some packs.
    One member's monthly plan ended a couple of days ago unpaid: the daily
    renewal check, run here, makes it past due (inside the renewal grace).
    Runs inside the caller's transaction.
    """
    plans = {}
    for name, kind, interval, price, credits, days, perks, facilities, about in PLANS:
        plans[name] = save_plan(
            None,
            {
                "name": name,
                "description": about,
                "price_minor": price,
                "interval": interval,
                "kind": kind,
                "credits_cc": credits * CC if credits else None,
                "valid_days": days,
                "perks": perks,
                "entitlements": facilities,
                "is_active": True,
            },
            actor=admin,
        )
    members = db.session.scalars(
        select(User).where(User.role == Role.MEMBER).order_by(User.id).limit(WITH_MEMBERSHIP)
    ).all()
    today = gym_today()
    weights = {
        "Ilimitado mensual": 20,
        "Anual ilimitado": 6,
        "Paquete 10 clases": 8,
        "Paquete 5 clases": 6,
    }
    names = list(weights)
    for index, member in enumerate(members):
        if member.email.startswith("member1@"):
            name = "Ilimitado mensual"
        else:
            name = rng.choices(names, weights=[weights[n] for n in names])[0]
        starts_on = today - timedelta(days=rng.randint(0, 25))
        if index == PAST_DUE_INDEX:
            name = PAST_DUE_PLAN
            starts_on = lapsed_start(plans[name], today)
        grant_complimentary(
            member.id, plans[name].id, MIGRATED_REASON, starts_on=starts_on, actor=admin
        )
    check_renewals(today)
    return len(members)


def lapsed_start(plan: Plan, today: date) -> date:
    """The start (at most BACKDATE_DAYS ago) of a period that ended unpaid
    inside the renewal grace, as near two days ago as the months allow."""
    grace = max(grace_days(), 1)
    starts = [today - timedelta(days=back) for back in range(1, BACKDATE_DAYS + 1)]
    lapsed = [
        (abs((today - plan_period(plan, start)[0]).days - 2), start)
        for start in starts
        if today - timedelta(days=grace) <= plan_period(plan, start)[0] < today
    ]
    return min(lapsed)[1] if lapsed else starts[-1]
