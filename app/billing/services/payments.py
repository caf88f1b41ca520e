"""Taking money: a payment at the desk or through the gateway delivers what
was sold (a membership period, a class pack's credits, a drop-in booking)
and issues its invoice, in one transaction; a refund or void issues a credit
note and takes back what it can. The PDF and the email follow by job.
"""

from contextlib import suppress
from dataclasses import dataclass

from flask_babel import gettext as _

from app.accounts.models import User
from app.billing.models import (
    InvoiceKind,
    InvoiceLine,
    ItemKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from app.billing.services import invoices
from app.booking.services import bookings as booking_services
from app.core import audit
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.i18n import short_datetime
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.core.permissions import ADMIN, DESK, require_role
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import Plan, PlanKind
from app.memberships.services import memberships
from app.scheduling.models import ClassSession
from app.settings.services import gym_settings

#: the most one line may cost, in minor units (1,000,000.00)
MAX_PRICE_MINOR = 100_000_000
#: the membership's payment note; the invoice has the details
PAID_NOTE = "paid, see invoice"
PLAN_KINDS = {ItemKind.PLAN: PlanKind.UNLIMITED, ItemKind.PACK: PlanKind.CREDITS}


class BillingError(DomainError):
    """A payment or refund was refused; `str(exc)` says why."""


@dataclass
class Sale:
    """One thing sold: a plan or pack (by plan id), a drop-in (by class
    session id) or a free-amount item (description and price)."""

    kind: ItemKind
    plan_id: int | None = None
    session_id: int | None = None
    description: str = ""
    #: the price as entered; None takes the plan's price
    price_minor: int | None = None
    quantity: int = 1


def _member(member_id: int) -> User:
    member = db.session.get(User, member_id, with_for_update=True, populate_existing=True)
    if member is None or not member.is_member:
        raise BillingError(_("This person is not a member."), field="member")
    return member


def _price(sale: Sale, default: int | None) -> int:
    price = sale.price_minor if sale.price_minor is not None else default
    if price is None:
        raise BillingError(_("Enter the amount."), field="amount")
    if not 0 < price <= MAX_PRICE_MINOR:
        raise BillingError(_("Enter an amount greater than zero."), field="amount")
    return price


def _plan_line(sale: Sale, member: User, actor) -> InvoiceLine:
    plan = db.session.get(Plan, sale.plan_id) if sale.plan_id else None
    if plan is None or plan.kind is not PLAN_KINDS[sale.kind]:
        raise BillingError(_("Choose a plan."), field="plan_id")
    price = _price(sale, plan.price_minor)
    try:
        membership, lot = memberships.sell_plan(member.id, plan.id, PAID_NOTE, actor=actor)
    except DomainError as exc:
        raise BillingError(str(exc), field="plan_id") from exc
    return InvoiceLine(
        kind=sale.kind,
        description=plan.name,
        quantity=1,
        unit_price_minor=price,
        plan_id=plan.id,
        membership_id=membership.id,
        lot_id=lot.id if lot else None,
    )


def _drop_in_line(sale: Sale, member: User, actor) -> InvoiceLine:
    cs = db.session.get(ClassSession, sale.session_id) if sale.session_id else None
    if cs is None:
        raise BillingError(_("Choose a class."), field="session_id")
    price = _price(sale, None)
    try:
        booking = booking_services.book_now(
            cs.id, member, actor=actor, walk_in=True, paid_drop_in=True
        )
    except DomainError as exc:
        raise BillingError(str(exc), field="session_id") from exc
    return InvoiceLine(
        kind=ItemKind.DROP_IN,
        description=f"{cs.class_type.name} · {short_datetime(cs.starts_at)}"[:200],
        quantity=1,
        unit_price_minor=price,
        booking_id=booking.id,
    )


def _other_line(sale: Sale) -> InvoiceLine:
    description = (sale.description or "").strip()
    if not description:
        raise BillingError(_("Describe what is sold."), field="description")
    if len(description) > 200:
        raise BillingError(_("Use at most %(max)d characters.", max=200), field="description")
    if not 1 <= sale.quantity <= 999:
        raise BillingError(_("Enter a quantity from 1 to 999."), field="quantity")
    return InvoiceLine(
        kind=ItemKind.OTHER,
        description=description,
        quantity=sale.quantity,
        unit_price_minor=_price(sale, None),
    )


def _deliver(sale: Sale, member: User, actor) -> InvoiceLine:
    if sale.kind in PLAN_KINDS:
        return _plan_line(sale, member, actor)
    if sale.kind is ItemKind.DROP_IN:
        return _drop_in_line(sale, member, actor)
    return _other_line(sale)


def _check_method(method: PaymentMethod, actor) -> None:
    if method is PaymentMethod.ONLINE:
        if actor is not None:
            raise BillingError(_("Online payments come from the payment gateway."))
    else:
        require_role(actor, *DESK)


def record_payment(
    member_id: int,
    sales: list[Sale],
    *,
    method: PaymentMethod,
    actor,
    tendered_minor: int | None = None,
    reference: str = "",
) -> Payment:
    """Take a payment, deliver what it buys and issue its invoice.

    The desk (front desk, admins) records cash, card-terminal and transfer
    payments; ONLINE ones come from the gateway with no actor. For cash,
    `tendered_minor` is what was handed over (the change is worked out).

    Raises AccessDenied when a desk method's actor is not desk staff,
    BillingError (with the form field; the refusals of the membership or
    booking sold come back as one) and Busy when a lock wait runs out;
    nothing is written then. Queues `billing.render_invoice` for the invoice
    (its PDF and receipt email), and for a drop-in the booking's
    "booking_confirmed" email.
    """
    _check_method(method, actor)
    if not sales:
        raise BillingError(_("Choose what is sold."), field="kind")
    if method is PaymentMethod.ONLINE and any(sale.kind is ItemKind.DROP_IN for sale in sales):
        raise BillingError(_("A drop-in is sold at the desk."), field="kind")
    settings = gym_settings()
    with transaction():
        number = invoices.reserve_number(InvoiceKind.INVOICE)
        member = _member(member_id)
        lines = [
            invoices.priced_line(
                _deliver(sale, member, actor), settings.tax_rate_bp, settings.prices_include_tax
            )
            for sale in sales
        ]
        total = sum(line.total_minor for line in lines)
        if any(line.total_minor > MAX_PRICE_MINOR for line in lines) or total > MAX_PRICE_MINOR:
            raise BillingError(
                _("That is more than one payment can take. Split it."), field="amount"
            )
        if method is PaymentMethod.CASH:
            if tendered_minor is None or tendered_minor < total:
                raise BillingError(
                    _("The cash handed over must cover the total."), field="tendered"
                )
        else:
            tendered_minor = None
        payment = Payment(
            member_id=member.id,
            method=method,
            amount_minor=total,
            currency=settings.currency,
            tendered_minor=tendered_minor,
            paid_at=utc_now(),
            recorded_by_id=getattr(actor, "id", None),
            reference=(reference or "").strip()[:120],
        )
        db.session.add(payment)
        invoice = invoices.issue(
            InvoiceKind.INVOICE,
            number,
            payment,
            member,
            lines,
            actor=actor,
            rate_bp=settings.tax_rate_bp,
            includes_tax=settings.prices_include_tax,
        )
        audit.record(
            "payment.recorded",
            payment,
            actor=actor,
            after={
                "member_id": member.id,
                "method": method.value,
                "amount_minor": total,
                "tendered_minor": tendered_minor,
                "invoice": invoice.label,
            },
        )
        enqueue_after_commit("billing.render_invoice", invoice.id)
    return payment


def _take_back(line: InvoiceLine, member: User, reason: str, actor) -> None:
    """Undo what a line sold, as far as it can still be undone."""
    if line.membership_id is not None:
        with suppress(DomainError):  # already over: nothing to take back
            memberships.cancel_membership(line.membership_id, actor=actor)
    if line.lot_id is not None:
        ledger.revoke_lot(line.lot_id, reason, actor=actor)
    if line.booking_id is not None:
        with suppress(DomainError):  # cancelled or attended already
            booking_services.cancel_booking(line.booking_id, member, actor=actor, refund=True)


def refund_payment(payment_id: int, reason: str, *, actor, void: bool = False):
    """Give a payment back (or void a mistaken one): a credit note for the
    whole invoice, with a reason, and what was sold taken back where it can
    be (membership cancelled, unspent credits removed, drop-in cancelled).
    Admins only. Returns the credit note.

    Raises AccessDenied for anyone but an admin, BillingError (field
    "reason" for a missing or long reason; an unknown or already returned
    payment) and Busy when a lock wait runs out; nothing is written then.
    Queues `billing.render_invoice` for the credit note, and
    `booking.promote_waitlist` when a drop-in's booking is cancelled.
    """
    require_role(actor, *ADMIN)
    reason = (reason or "").strip()
    if not reason:
        raise BillingError(_("Give a reason."), field="reason")
    if len(reason) > 500:
        raise BillingError(_("Use at most %(max)d characters.", max=500), field="reason")
    with transaction():
        number = invoices.reserve_number(InvoiceKind.CREDIT_NOTE)
        payment = db.session.get(Payment, payment_id, with_for_update=True, populate_existing=True)
        if payment is None:
            raise BillingError(_("We couldn't find that payment."))
        if payment.status is not PaymentStatus.PAID:
            raise BillingError(_("This payment was already refunded or voided."))
        original = invoices.invoice_of(payment.id)
        member = db.session.get(User, payment.member_id)
        for line in original.lines:
            _take_back(line, member, reason, actor)
        lines = [_reversed(line) for line in original.lines]
        note = invoices.issue(
            InvoiceKind.CREDIT_NOTE,
            number,
            payment,
            member,
            lines,
            actor=actor,
            rate_bp=original.tax_rate_bp,
            includes_tax=original.prices_include_tax,
            credits_invoice=original,
            reason=reason,
        )
        payment.status = PaymentStatus.VOIDED if void else PaymentStatus.REFUNDED
        audit.record(
            "payment.voided" if void else "payment.refunded",
            payment,
            actor=actor,
            after={"credit_note": note.label, "invoice": original.label, "reason": reason},
        )
        enqueue_after_commit("billing.render_invoice", note.id)
    return note


def _reversed(line: InvoiceLine) -> InvoiceLine:
    return InvoiceLine(
        kind=line.kind,
        description=line.description,
        quantity=line.quantity,
        unit_price_minor=-line.unit_price_minor,
        subtotal_minor=-line.subtotal_minor,
        tax_minor=-line.tax_minor,
        total_minor=-line.total_minor,
        plan_id=line.plan_id,
        membership_id=line.membership_id,
        lot_id=line.lot_id,
        booking_id=line.booking_id,
    )
