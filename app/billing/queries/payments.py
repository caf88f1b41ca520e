"""Payments, read side: what the desk can sell, the payment list and its
totals, a payment's credit notes, a member's payments with their invoices,
and the member's billing details.

Every list runs a fixed number of statements whatever its length, and the
long ones paginate.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from app.accounts.models import Role, User
from app.billing.models import (
    BillingProfile,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from app.core.clock import local_day_bounds
from app.core.forms import format_money_input
from app.core.i18n import gym_today, gym_zone, money, short_datetime
from app.core.inputs import page_number
from app.core.models import utc_now
from app.core.search import contains
from app.extensions import db
from app.memberships.models import Plan, PlanKind
from app.scheduling.models import ClassSession, SessionStatus

PAYMENTS_PER_PAGE = 50
#: drop-ins are sold for today's classes and those of the next days
DROP_IN_DAYS = 7
DROP_IN_SHOWN = 200


def plan_options(kind: PlanKind) -> list[tuple[int, str, dict]]:
    """Plans of `kind` on sale: (id, "name · price", the price for the form's hint)."""
    plans = db.session.scalars(
        select(Plan)
        .where(Plan.is_active.is_(True), Plan.kind == kind)
        .order_by(func.lower(Plan.name), Plan.id)
    )
    return [
        (
            plan.id,
            f"{plan.name} · {money(plan.price_minor, plan.currency)}",
            {"data-price": format_money_input(plan.price_minor)},
        )
        for plan in plans
    ]


def drop_in_options() -> list[tuple[int, str]]:
    """Published classes that have not ended, from today to DROP_IN_DAYS ahead."""
    end = local_day_bounds(gym_today() + timedelta(days=DROP_IN_DAYS), gym_zone())[1]
    sessions = db.session.scalars(
        select(ClassSession)
        .where(
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.ends_at > utc_now(),
            ClassSession.starts_at < end,
        )
        .order_by(ClassSession.starts_at, ClassSession.id)
        .limit(DROP_IN_SHOWN)
    )
    return [(cs.id, f"{short_datetime(cs.starts_at)} · {cs.class_type.name}") for cs in sessions]


def desk_staff_options() -> list[tuple[int, str]]:
    """(id, name) of the people who may take payments at the desk."""
    query = (
        select(User.id, User.name)
        .where(User.role.in_([Role.ADMIN, Role.FRONT_DESK]), User.deleted_at.is_(None))
        .order_by(func.lower(User.name), User.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def member(user_id: int | None) -> User | None:
    user = db.session.get(User, user_id) if user_id else None
    return user if user is not None and user.is_member else None


# ---- the payment list -------------------------------------------------------


@dataclass
class PaymentSearch:
    date_from: date | None = None
    date_to: date | None = None
    method: PaymentMethod | None = None
    staff_id: int | None = None
    member_text: str = ""


def _conditions(search: PaymentSearch) -> list:
    zone = gym_zone()
    conditions = []
    if search.date_from:
        conditions.append(Payment.paid_at >= local_day_bounds(search.date_from, zone)[0])
    if search.date_to:
        conditions.append(Payment.paid_at < local_day_bounds(search.date_to, zone)[1])
    if search.method:
        conditions.append(Payment.method == search.method)
    if search.staff_id:
        conditions.append(Payment.recorded_by_id == search.staff_id)
    text = " ".join(search.member_text.split()).lower()
    if text:
        payer = aliased(User)
        conditions.append(
            exists().where(
                payer.id == Payment.member_id,
                or_(contains(func.lower(payer.name), text), contains(payer.email, text)),
            )
        )
    return conditions


def payments_page(search: PaymentSearch, page: int):
    """Payments matching `search`, newest first, with member, staff and invoice."""
    query = (
        select(Payment)
        .options(
            joinedload(Payment.member),
            joinedload(Payment.recorded_by),
            # the label only: not the invoice's lines
            joinedload(Payment.invoice).lazyload(Invoice.lines),
        )
        .where(*_conditions(search))
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
    )
    return db.paginate(
        query, page=page_number(page), per_page=PAYMENTS_PER_PAGE, error_out=False, count=True
    )


@dataclass
class MethodTotal:
    method: PaymentMethod
    count: int
    gross_minor: int
    #: payments of the set that were refunded or voided since
    returned_minor: int

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.returned_minor


@dataclass
class Totals:
    by_method: list[MethodTotal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(row.count for row in self.by_method)

    @property
    def gross_minor(self) -> int:
        return sum(row.gross_minor for row in self.by_method)

    @property
    def returned_minor(self) -> int:
        return sum(row.returned_minor for row in self.by_method)

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.returned_minor


def payment_totals(search: PaymentSearch) -> Totals:
    """Count and sums by method of every payment matching `search` (one statement)."""
    returned = case((Payment.status != PaymentStatus.PAID, Payment.amount_minor), else_=0)
    rows = db.session.execute(
        select(
            Payment.method,
            func.count(Payment.id),
            func.coalesce(func.sum(Payment.amount_minor), 0),
            func.coalesce(func.sum(returned), 0),
        )
        .where(*_conditions(search))
        .group_by(Payment.method)
    )
    totals = [MethodTotal(method, count, gross, back) for method, count, gross, back in rows]
    order = list(PaymentMethod)
    return Totals(sorted(totals, key=lambda row: order.index(row.method)))


def credit_notes_of(payment_id: int) -> list[Invoice]:
    return list(
        db.session.scalars(
            select(Invoice)
            .where(Invoice.payment_id == payment_id, Invoice.kind == InvoiceKind.CREDIT_NOTE)
            .order_by(Invoice.id)
        )
    )


# ---- a member's payments ----------------------------------------------------


@dataclass
class PaymentRow:
    payment: Payment
    invoice: Invoice | None = None
    credit_notes: list[Invoice] = field(default_factory=list)

    @property
    def description(self) -> str:
        lines = self.invoice.lines if self.invoice else []
        return ", ".join(line.description for line in lines)


def my_payments(member_id: int, *, page: int = 1, per_page: int = 20):
    """The member's payments, newest first, as a pagination whose items are
    PaymentRows (count, page, invoices and their lines: four queries)."""
    pagination = db.paginate(
        select(Payment)
        .where(Payment.member_id == member_id)
        .order_by(Payment.paid_at.desc(), Payment.id.desc()),
        page=page_number(page),
        per_page=per_page,
        error_out=False,
    )
    rows = {payment.id: PaymentRow(payment) for payment in pagination.items}
    if rows:
        documents = db.session.scalars(
            select(Invoice)
            .where(Invoice.payment_id.in_(rows), Invoice.member_id == member_id)
            .order_by(Invoice.issued_at, Invoice.id)
        )
        for document in documents:
            row = rows[document.payment_id]
            if document.kind is InvoiceKind.INVOICE:
                row.invoice = document
            else:
                row.credit_notes.append(document)
    pagination.items = list(rows.values())
    return pagination


def billing_profile(member_id: int) -> BillingProfile | None:
    """The member's saved details, or None when they never saved any."""
    return db.session.get(BillingProfile, member_id)
