"""The member's shop: plans and packs on sale, orders placed for the gateway.

An order is what the member asked to buy, at the price of that moment; the
gateway's webhook events move it on (see `app.billing.webhooks`), and only
a payment.succeeded event delivers what was bought, through
`record_payment`.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.billing.gateways import gateway
from app.billing.gateways.sandbox import new_ref
from app.billing.models import InvoiceLine, ItemKind, Order, OrderStatus
from app.billing.services.payments import PLAN_KINDS, BillingError
from app.core import audit
from app.core.db import transaction
from app.core.permissions import MEMBERS, require_role
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CreditLot, Membership, Plan, PlanKind
from app.settings.services import gym_settings

#: the gateway new orders go to
DEFAULT_GATEWAY = "sandbox"
KIND_OF_PLAN = {plan_kind: item_kind for item_kind, plan_kind in PLAN_KINDS.items()}
#: decline codes a gateway sends, as the member reads them
DECLINE_REASONS = {
    "card_declined": lambda: _("Your card was declined."),
    "insufficient_funds": lambda: _("Your card has insufficient funds."),
}


def decline_text(code: str) -> str:
    known = DECLINE_REASONS.get(code)
    return known() if known else (code or _("The payment was declined."))


@dataclass
class Shelf:
    """What the shop shows: the member's current unlimited plan first."""

    current_plan: Plan | None
    plans: list[Plan]
    packs: list[Plan]


def shelf(member_id: int) -> Shelf:
    active = list(
        db.session.scalars(
            select(Plan)
            .where(Plan.is_active.is_(True), Plan.kind.in_([PlanKind.UNLIMITED, PlanKind.CREDITS]))
            .order_by(Plan.price_minor, Plan.name)
        )
    )
    current = db.session.scalar(
        select(Plan)
        .join(Membership, Membership.plan_id == Plan.id)
        .where(Membership.member_id == member_id, Plan.kind == PlanKind.UNLIMITED)
        .where(Plan.is_active.is_(True))
        .order_by(Membership.period_end.desc())
        .limit(1)
    )
    plans = [p for p in active if p.kind is PlanKind.UNLIMITED and p is not current]
    return Shelf(
        current_plan=current,
        plans=plans,
        packs=[p for p in active if p.kind is PlanKind.CREDITS],
    )


def place_order(plan_id: int | None, *, actor) -> Order:
    """The member starts buying a plan or pack: an OPEN order at today's price.

    Raises BillingError (field "plan_id") for a plan that is not on sale.
    """
    require_role(actor, *MEMBERS)
    with transaction():
        plan = db.session.get(Plan, plan_id) if plan_id else None
        if plan is None or not plan.is_active or plan.kind not in KIND_OF_PLAN:
            raise BillingError(_("This plan is not on sale."), field="plan_id")
        if plan.price_minor <= 0:
            raise BillingError(_("This plan can't be bought online."), field="plan_id")
        order = Order(
            member_id=actor.id,
            kind=KIND_OF_PLAN[plan.kind],
            plan_id=plan.id,
            amount_minor=plan.price_minor,
            currency=gym_settings().currency,
            status=OrderStatus.OPEN,
            gateway=DEFAULT_GATEWAY,
            gateway_ref=new_ref(),
        )
        db.session.add(order)
        db.session.flush()
        audit.record(
            "order.placed",
            order,
            actor=actor,
            after={"plan_id": plan.id, "amount_minor": order.amount_minor},
        )
    return order


def checkout_url(order: Order, return_url: str) -> str:
    return gateway(order.gateway).start_checkout(order, return_url)


@dataclass
class Receipt:
    """What a paid order delivered, for the member's receipt."""

    invoice: object | None
    membership: Membership | None
    lot: CreditLot | None
    balance_cc: int


def receipt(order: Order) -> Receipt | None:
    if order.status is not OrderStatus.PAID or order.payment is None:
        return None
    invoice = order.payment.invoice
    line: InvoiceLine | None = invoice.lines[0] if invoice and invoice.lines else None
    membership_id = line.membership_id if line else None
    lot_id = line.lot_id if line else None
    membership = db.session.get(Membership, membership_id) if membership_id else None
    lot = db.session.get(CreditLot, lot_id) if lot_id else None
    return Receipt(
        invoice=invoice,
        membership=membership if order.kind is ItemKind.PLAN else None,
        lot=lot,
        balance_cc=ledger.balance(order.member_id),
    )
