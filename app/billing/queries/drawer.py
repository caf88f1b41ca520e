"""The cash drawer's reads: what a desk person's drawer should hold for a
day (see `app.billing.services.drawer` for the rule) and their saved counts."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.billing.models import DrawerCount, Invoice, InvoiceKind, Payment, PaymentMethod
from app.core.clock import local_day_bounds
from app.core.i18n import gym_zone
from app.core.inputs import page_number
from app.extensions import db

COUNTS_PER_PAGE = 30


@dataclass
class Tally:
    #: cash payments recorded that day
    taken_minor: int
    taken_count: int
    #: cash the person handed back that day: the credit notes they issued for
    #: cash payments, whoever took them and on whatever day
    returned_minor: int
    returned_count: int

    @property
    def expected_minor(self) -> int:
        return self.taken_minor - self.returned_minor


def tally(day: date, staff_id: int) -> Tally:
    """What `staff_id`'s drawer should hold for local `day` (two statements)."""
    start, end = local_day_bounds(day, gym_zone())
    taken, taken_count = db.session.execute(
        select(func.coalesce(func.sum(Payment.amount_minor), 0), func.count(Payment.id)).where(
            Payment.method == PaymentMethod.CASH,
            Payment.recorded_by_id == staff_id,
            Payment.paid_at >= start,
            Payment.paid_at < end,
        )
    ).one()
    returned, returned_count = db.session.execute(
        select(func.coalesce(-func.sum(Invoice.total_minor), 0), func.count(Invoice.id))
        .join(Payment, Payment.id == Invoice.payment_id)
        .where(
            Invoice.kind == InvoiceKind.CREDIT_NOTE,
            Invoice.issued_on == day,
            Invoice.issued_by_id == staff_id,
            Payment.method == PaymentMethod.CASH,
        )
    ).one()
    return Tally(taken, taken_count, returned, returned_count)


def counts_page(staff_id: int, page: int):
    """The person's saved counts, newest day first, with who counted."""
    query = (
        select(DrawerCount)
        .options(joinedload(DrawerCount.counted_by))
        .where(DrawerCount.staff_id == staff_id)
        .order_by(DrawerCount.day.desc())
    )
    return db.paginate(query, page=page_number(page), per_page=COUNTS_PER_PAGE, error_out=False)


def count_of(day: date, staff_id: int) -> DrawerCount | None:
    return db.session.scalar(
        select(DrawerCount).where(DrawerCount.day == day, DrawerCount.staff_id == staff_id)
    )
