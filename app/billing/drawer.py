"""The cash drawer: at the end of a day, the cash a desk person should have
and what they counted.

The rule, kept simple on purpose: a person's drawer for a local day expects
the cash payments they recorded that day (the amount, not what was handed
over: the change went back), minus the cash payments they recorded (on any
day) that a credit note issued that day refunded or voided, since that money
is handed back from the drawer. Card, transfer and online payments never
touch it.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.billing.models import DrawerCount, Invoice, InvoiceKind, Payment, PaymentMethod
from app.billing.services.payments import MAX_PRICE_MINOR, BillingError
from app.core import audit
from app.core.clock import local_date, local_day_bounds
from app.core.db import transaction
from app.core.errors import AccessDenied
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.permissions import ADMIN, DESK, require_role
from app.extensions import db
from app.memberships.pages import page_number
from app.settings.services import gym_settings

COUNTS_PER_PAGE = 30
NOTE_MAX = 500
AUDITED = ["day", "staff_id", "expected_minor", "counted_minor", "note"]


@dataclass
class Tally:
    #: cash payments recorded that day
    taken_minor: int
    taken_count: int
    #: cash handed back that day for credit notes of the person's cash payments
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
            Payment.method == PaymentMethod.CASH,
            Payment.recorded_by_id == staff_id,
        )
    ).one()
    return Tally(taken, taken_count, returned, returned_count)


def may_count(actor, staff_id: int) -> bool:
    """Front desk count their own drawer; admins anyone's."""
    return actor.role in ADMIN or actor.id == staff_id


def count_drawer(day: date, staff_id: int, counted_minor, note: str = "", *, actor) -> DrawerCount:
    """Save what `staff_id` counted in their drawer for local `day`, with
    the expected cash worked out now; a recount of the same day updates the
    count. Audited as `drawer.counted` (before and after).

    The desk only, each their own drawer (admins anyone's). Raises
    BillingError (field "counted" or "note", else none) and writes nothing
    on refusal; AccessDenied for someone else's drawer.
    """
    require_role(actor, *DESK)
    if not may_count(actor, staff_id):
        raise AccessDenied()
    if counted_minor is None:
        raise BillingError(_("Enter the cash counted."), field="counted")
    if not 0 <= counted_minor <= MAX_PRICE_MINOR:
        raise BillingError(_("That amount is too large."), field="counted")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise BillingError(_("Use at most %(max)d characters.", max=NOTE_MAX), field="note")
    if day > local_date(utc_now(), gym_zone()):
        raise BillingError(_("This day has not come yet."))
    try:
        with transaction():
            staff = db.session.get(User, staff_id)
            if staff is None or staff.role not in DESK or staff.deleted_at is not None:
                raise BillingError(_("Choose someone who works at the desk."))
            count = db.session.scalar(
                select(DrawerCount)
                .where(DrawerCount.day == day, DrawerCount.staff_id == staff_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            before = audit.changes(count, AUDITED) if count else None
            expected = tally(day, staff_id).expected_minor
            if count is None:
                count = DrawerCount(day=day, staff_id=staff_id)
            count.expected_minor = expected
            count.counted_minor = counted_minor
            count.currency = gym_settings().currency
            count.note = note
            count.counted_by_id = actor.id
            count.counted_at = utc_now()
            db.session.add(count)
            db.session.flush()
            audit.record(
                "drawer.counted",
                count,
                actor=actor,
                before=before,
                after=audit.changes(count, AUDITED),
            )
    except IntegrityError as exc:  # two first counts of the same drawer at once
        raise BillingError(_("Someone counted this drawer just now. Reload the page.")) from exc
    return count


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
