"""Today at the demo gym's desk: a few payments taken by the front desk, so
the payments list, the invoices (and their PDFs) and the cash drawer have
something to show on a first run.

Each payment is a real `record_payment` (its invoice, its PDF job, the plan
or pack it sells). member1 is left alone: the browser tests sell to them.
The cash taken adds up to whole thousands (2,000.00), so the drawer's
expected cash after the browser test's 650.00 sale still reads "…650.00".
"""

from sqlalchemy import select

from app.accounts.models import User
from app.billing.models import ItemKind, PaymentMethod
from app.billing.services.payments import Sale, record_payment
from app.extensions import db
from app.memberships.models import Membership, MembershipStatus, Plan, PlanKind

DESK_EMAIL = "recepcion@cupo.demo"
SPARED_EMAIL = "member1@cupo.demo"


def _plan(name: str) -> Plan:
    return db.session.scalar(select(Plan).where(Plan.name == name))


def _holders(kind: PlanKind, plan_name: str | None = None) -> list[User]:
    """Members (not member1) with an active membership of that kind, by id."""
    query = (
        select(User)
        .join(Membership, Membership.member_id == User.id)
        .join(Plan, Plan.id == Membership.plan_id)
        .where(
            Membership.status == MembershipStatus.ACTIVE,
            Plan.kind == kind,
            User.email != SPARED_EMAIL,
        )
        .order_by(User.id)
        .distinct()
    )
    if plan_name:
        query = query.where(Plan.name == plan_name)
    return list(db.session.scalars(query))


def seed_payments() -> int:
    """Record today's desk payments; returns how many.

    Two pack holders top up in cash (with change), a monthly member renews
    by card terminal, another member pays a retail item by transfer. Runs
    inside the caller's transaction; the PDFs render after its commit.

    Raises ValueError when the demo gym has too few such members, and what
    `record_payment` raises. Queues `billing.render_invoice` per payment.
    """
    desk = db.session.scalar(select(User).where(User.email == DESK_EMAIL))
    pack_holders = _holders(PlanKind.CREDITS)
    monthly = [
        m for m in _holders(PlanKind.UNLIMITED, "Ilimitado mensual") if m not in pack_holders
    ]
    first, second = pack_holders[:2]
    renewing, shopper = monthly[:2]
    payments = [
        (
            first,
            [Sale(ItemKind.PACK, plan_id=_plan("Paquete 10 clases").id)],
            PaymentMethod.CASH,
            {"tendered_minor": 150_000},  # 1,200.00 paid with 1,500.00
        ),
        (
            second,
            [
                Sale(ItemKind.PACK, plan_id=_plan("Paquete 5 clases").id),
                Sale(ItemKind.OTHER, description="Toalla", price_minor=15_000),
            ],
            PaymentMethod.CASH,
            {"tendered_minor": 100_000},  # 800.00 paid with 1,000.00
        ),
        (
            renewing,
            [Sale(ItemKind.PLAN, plan_id=_plan("Ilimitado mensual").id)],
            PaymentMethod.CARD,
            {"reference": "Terminal · aut. 418203"},
        ),
        (
            shopper,
            [Sale(ItemKind.OTHER, description="Botella de agua", price_minor=3_000, quantity=2)],
            PaymentMethod.TRANSFER,
            {"reference": "SPEI 7730 4412"},
        ),
    ]
    for member, sales, method, extra in payments:
        record_payment(member.id, sales, method=method, actor=desk, **extra)
    return len(payments)
