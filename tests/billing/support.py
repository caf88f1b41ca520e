"""Helpers shared by the billing tests: selling at the desk, proof that a
refusal wrote nothing, and memberships coming up for renewal."""

from datetime import date, timedelta

from sqlalchemy import func, select, text

from app.billing.models import ItemKind, PaymentMethod
from app.billing.services.payments import Sale, record_payment
from app.extensions import db
from app.memberships.models import Membership, MembershipStatus

#: every table a payment or a refund may write to
WRITTEN = [
    "payments",
    "invoices",
    "invoice_lines",
    "memberships",
    "credit_lots",
    "ledger_entries",
    "ledger_allocations",
    "bookings",
    "holds",
    "audit_entries",
    "job_outbox",
    "sent_emails",
]


def row_counts() -> dict[str, int]:
    """Rows in each table a payment writes, and each series' next number."""
    counts = {
        name: db.session.scalar(select(func.count()).select_from(db.metadata.tables[name]))
        for name in WRITTEN
    }
    counts["series"] = dict(
        db.session.execute(text("SELECT code, next_number FROM invoice_series")).all()
    )
    return counts


def pay(member, *sales: Sale, actor, method=PaymentMethod.CARD, **kwargs):
    return record_payment(member.id, list(sales), method=method, actor=actor, **kwargs)


def other(description="Agua 1 L", price_minor=2_000, quantity=1) -> Sale:
    return Sale(ItemKind.OTHER, description=description, price_minor=price_minor, quantity=quantity)


def plan_sale(plan, **fields) -> Sale:
    return Sale(ItemKind.PLAN, plan_id=plan.id, **fields)


def pack_sale(plan, **fields) -> Sale:
    return Sale(ItemKind.PACK, plan_id=plan.id, **fields)


def drop_in(cs, price_minor=15_000) -> Sale:
    return Sale(ItemKind.DROP_IN, session_id=cs.id, price_minor=price_minor)


#: the till's local day (NOW in the gym's time zone)
TODAY = date(2026, 12, 1)


def membership_ending(till, member, plan, ends_in: int, status=MembershipStatus.ACTIVE, **fields):
    """A membership of `plan` whose period ends `ends_in` days after TODAY."""
    end = TODAY + timedelta(days=ends_in)
    membership = Membership(
        member_id=member.id,
        plan_id=plan.id,
        status=status,
        period_start=fields.pop("period_start", end - timedelta(days=29)),
        period_end=end,
        renews_on=fields.pop("renews_on", end + timedelta(days=1)),
        **fields,
    )
    till.db.session.add(membership)
    till.db.session.commit()
    return membership
