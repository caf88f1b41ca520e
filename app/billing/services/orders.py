"""The member's shop: plans and packs on sale, orders placed for the gateway.

An order is what the member asked to buy, at the price of that moment; the
gateway's webhook events move it on (see `app.billing.services.webhooks`), and only
a payment.succeeded event delivers what was bought, through
`record_payment`.
"""

from flask_babel import gettext as _

from app.billing.gateways import checkout_gateway, gateway
from app.billing.gateways.sandbox import new_ref
from app.billing.models import Order, OrderStatus
from app.billing.services.payments import PLAN_KINDS, BillingError
from app.core import audit
from app.core.db import transaction
from app.core.permissions import MEMBERS, require_role
from app.extensions import db
from app.memberships.models import Plan
from app.settings.services import gym_settings

KIND_OF_PLAN = {plan_kind: item_kind for item_kind, plan_kind in PLAN_KINDS.items()}


def place_order(plan_id: int | None, *, actor) -> Order:
    """The member starts buying a plan or pack: an OPEN order at today's price.

    Raises AccessDenied unless the actor is a member, BillingError when no
    gateway is on (the shop is closed), or (field "plan_id") for a plan that
    is not on sale or is free. Queues nothing: the gateway's checkout comes
    next (`checkout_url`).
    """
    require_role(actor, *MEMBERS)
    sells_through = checkout_gateway()
    if sells_through is None:
        raise BillingError(_("Online payments are not available. Please pay at the front desk."))
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
            gateway=sells_through.name,
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
    """Where the order's gateway takes the member to pay; they come back to
    `return_url`. Writes nothing; raises KeyError for an unknown gateway.
    Queues nothing.
    """
    return gateway(order.gateway).start_checkout(order, return_url)
