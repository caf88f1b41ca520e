"""Buying online, read side: the shop's shelf, a paid order's receipt and the
gateway's webhook events for admins."""

from dataclasses import dataclass

from sqlalchemy import select

from app.billing.models import (
    EventStatus,
    InvoiceLine,
    ItemKind,
    Order,
    OrderStatus,
    WebhookEvent,
)
from app.core.inputs import page_number
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CreditLot, Membership, Plan, PlanKind
from app.memberships.queries import member_snapshot


@dataclass
class Shelf:
    """What the shop shows: the member's plan first when it is due for
    renewal (`rules.renewal_due`), then the other plans and the packs."""

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
    snapshot = member_snapshot(member_id)
    current = snapshot.membership.plan if snapshot.renewal_due else None
    plans = [p for p in active if p.kind is PlanKind.UNLIMITED and p is not current]
    return Shelf(
        current_plan=current,
        plans=plans,
        packs=[p for p in active if p.kind is PlanKind.CREDITS],
    )


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


def events_page(*, failed_only: bool, page: int, per_page: int = 50):
    query = select(WebhookEvent).order_by(WebhookEvent.received_at.desc(), WebhookEvent.id.desc())
    if failed_only:
        query = query.where(WebhookEvent.status == EventStatus.FAILED)
    return db.paginate(query, page=page_number(page), per_page=per_page, error_out=False)
