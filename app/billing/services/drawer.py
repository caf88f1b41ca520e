"""The cash drawer: at the end of a day, the cash a desk person should have
and what they counted.

The rule, kept simple on purpose: a person's drawer for a local day expects
the cash payments they recorded that day (the amount, not what was handed
over: the change went back), minus the cash they handed back that day: the
credit notes they issued that day refunding or voiding a cash payment, taken
on any day by anyone. So a refund lands in the drawer it comes out of, and a
day already counted keeps its count: nothing done on a later day changes its
expected cash. Card, transfer and online payments never touch it.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.billing.models import DrawerCount
from app.billing.queries.drawer import tally
from app.billing.services.payments import MAX_PRICE_MINOR, BillingError
from app.core import audit
from app.core.db import transaction
from app.core.errors import AccessDenied
from app.core.i18n import gym_today
from app.core.models import utc_now
from app.core.permissions import ADMIN, DESK, require_role
from app.extensions import db
from app.settings.services import gym_settings

NOTE_MAX = 500
AUDITED = ["day", "staff_id", "expected_minor", "counted_minor", "note"]


def may_count(actor, staff_id: int) -> bool:
    """Front desk count their own drawer; admins anyone's.

    A rule only: raises nothing, queues nothing.
    """
    return actor.role in ADMIN or actor.id == staff_id


def count_drawer(day: date, staff_id: int, counted_minor, note: str = "", *, actor) -> DrawerCount:
    """Save what `staff_id` counted in their drawer for local `day`, with
    the expected cash worked out now; a recount of the same day updates the
    count. Audited as `drawer.counted` (before and after).

    The desk only, each their own drawer (admins anyone's). Raises
    BillingError (field "counted" or "note", else none) and writes nothing
    on refusal; AccessDenied for a non-desk actor or someone else's drawer.
    Queues nothing.
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
    if day > gym_today():
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
