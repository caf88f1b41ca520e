"""The audit log read by an owner: actions, fields and values in words.

Only the display changes here; the stored entries (and so the hash chain
that `flask audit verify` walks) stay exactly as they were written. Unknown
action names, fields and record types fall back to the raw name, so an
action added later still shows.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.forms import ROLE_LABELS
from app.accounts.models import User
from app.billing.services.documents import METHOD_LABELS
from app.core.audit import AuditEntry
from app.core.i18n import local_date, local_datetime, local_time, money
from app.extensions import db
from app.memberships.ledger import format_credits

ACTION_LABELS = {
    "billing_profile.saved": _l("Billing details saved"),
    "booking.cancelled": _l("Booking cancelled"),
    "booking.check_in_undone": _l("Check-in undone"),
    "booking.checked_in": _l("Checked in"),
    "booking.confirmed": _l("Booking confirmed"),
    "booking.no_show": _l("No-show recorded"),
    "class_type.created": _l("Class type created"),
    "class_type.updated": _l("Class type changed"),
    "credits.adjusted": _l("Credits adjusted"),
    "demo.seeded": _l("Demo data loaded"),
    "drawer.counted": _l("Cash drawer counted"),
    "hold.placed": _l("Spot held"),
    "hold.released": _l("Held spot released"),
    "kiosk.ended": _l("Kiosk closed"),
    "kiosk.started": _l("Kiosk opened"),
    "membership.assigned": _l("Plan assigned"),
    "membership.cancelled": _l("Membership cancelled"),
    "order.declined": _l("Online payment declined"),
    "order.paid": _l("Online payment received"),
    "order.pending": _l("Online payment pending"),
    "order.placed": _l("Online order placed"),
    "payment.recorded": _l("Payment recorded"),
    "payment.refunded": _l("Payment refunded"),
    "payment.voided": _l("Payment voided"),
    "plan.created": _l("Plan created"),
    "plan.updated": _l("Plan changed"),
    "room.created": _l("Room created"),
    "room.updated": _l("Room changed"),
    "session.cancelled": _l("Class cancelled"),
    "session.created": _l("Class scheduled"),
    "session.rescheduled": _l("Class moved"),
    "session.updated": _l("Class changed"),
    "settings.logo_changed": _l("Logo changed"),
    "settings.logo_removed": _l("Logo removed"),
    "settings.updated": _l("Settings changed"),
    "timetable.created": _l("Timetable entry created"),
    "timetable.extended": _l("Timetable extended"),
    "timetable.updated": _l("Timetable entry changed"),
    "trainer.activated": _l("Trainer activated"),
    "trainer.certification_added": _l("Certificate added"),
    "trainer.certification_removed": _l("Certificate removed"),
    "trainer.created": _l("Trainer created"),
    "trainer.deactivated": _l("Trainer deactivated"),
    "trainer.photo_changed": _l("Trainer photo changed"),
    "trainer.photo_removed": _l("Trainer photo removed"),
    "trainer.rate_changed": _l("Trainer rate changed"),
    "trainer.reactivated": _l("Trainer reactivated"),
    "trainer.updated": _l("Trainer changed"),
    "user.created": _l("Account created"),
    "user.deactivated": _l("Account deactivated"),
    "user.deleted": _l("Account deleted"),
    "user.password_changed": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
    "user.photo_changed": _l("Photo changed"),
    "user.photo_removed": _l("Photo removed"),
    "user.reactivated": _l("Account reactivated"),
    "user.role_changed": _l("Role changed"),
    "user.signed_out_everywhere": _l("Signed out everywhere"),
    "user.temporary_password_sent": _l("Temporary password sent"),
    "user.updated": _l("Account changed"),
    "waitlist.joined": _l("Joined the waiting list"),
    "waitlist.left": _l("Left the waiting list"),
    "waitlist.offered": _l("Waiting-list spot offered"),
    "webhook_event.failed": _l("Payment notification failed"),
    "webhook_event.retried": _l("Payment notification retried"),
}

RECORD_LABELS = {
    "Booking": _l("Booking"),
    "BillingProfile": _l("Billing details"),
    "Certification": _l("Certificate"),
    "CheckIn": _l("Check-in"),
    "ClassSession": _l("Class"),
    "ClassType": _l("Class type"),
    "CreditLot": _l("Credits"),
    "DrawerCount": _l("Cash drawer"),
    "Gym": _l("Gym"),
    "GymSettings": _l("Settings"),
    "Hold": _l("Held spot"),
    "Invoice": _l("Invoice"),
    "Membership": _l("Membership"),
    "Order": _l("Order"),
    "Payment": _l("Payment"),
    "Plan": _l("Plan"),
    "Room": _l("Room"),
    "TimetableEntry": _l("Timetable entry"),
    "Trainer": _l("Trainer"),
    "User": _l("Account"),
    "WaitlistEntry": _l("Waiting-list place"),
    "WebhookEvent": _l("Payment notification"),
}

FIELD_LABELS = {
    "amount_minor": _l("Amount"),
    "bookings": _l("Bookings"),
    "memberships": _l("Memberships"),
    "payments": _l("Payments"),
    "sessions": _l("Sessions"),
    "tendered_minor": _l("Amount handed over"),
    "users": _l("Accounts"),
    "capacity": _l("Capacity"),
    "checked_in_at": _l("Checked in at"),
    "class_type_id": _l("Class type"),
    "created": _l("Sessions added"),
    "credit_note": _l("Credit note"),
    "credits_cc": _l("Credits"),
    "currency": _l("Currency"),
    "description": _l("Description"),
    "email": _l("Email"),
    "ends_at": _l("Ends"),
    "ends_on": _l("Last date"),
    "error": _l("Error"),
    "expires_on": _l("Valid until"),
    "hourly_rate_minor": _l("Hourly rate"),
    "invoice": _l("Invoice"),
    "is_active": _l("Active"),
    "language": _l("Language"),
    "late": _l("Late"),
    "member_id": _l("Member"),
    "method": _l("Method"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "plan_id": _l("Plan"),
    "previous_starts_at": _l("Previous start"),
    "price_minor": _l("Price"),
    "reason": _l("Reason"),
    "refunded_cc": _l("Credits refunded"),
    "removed": _l("Sessions removed"),
    "role": _l("Role"),
    "room_id": _l("Room"),
    "session_id": _l("Class"),
    "start_time": _l("Start time"),
    "starts_at": _l("Starts"),
    "starts_on": _l("First date"),
    "status": _l("Status"),
    "strike": _l("Strike"),
    "title": _l("Title"),
    "trainer_id": _l("Trainer"),
    "updated": _l("Sessions changed"),
    "valid_days": _l("Valid for (days)"),
}

#: fields whose value names an account: shown by name (loaded in one query)
PERSON_FIELDS = ("member_id", "user_id", "staff_id")
#: stored enum values shown in words, per field
VALUE_LABELS = {
    "method": {method.value: label for method, label in METHOD_LABELS.items()},
    "role": {role.value: label for role, label in ROLE_LABELS.items()},
}

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


@dataclass
class Change:
    field: str
    before: str | None
    after: str | None


@dataclass
class AuditRow:
    entry: AuditEntry
    action: str
    actor: str
    subject: str
    changes: list[Change]
    raw: str


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label else action


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return str(label) if label else name.replace("_", " ").capitalize()


def format_value(name: str, value, currency: str | None = None, people=None) -> str:
    """One stored value as an owner reads it: money, credits, local times,
    words, and people by name (`people`: id -> User)."""
    if value is None or value == "":
        return "—"
    if name in PERSON_FIELDS and isinstance(value, int) and value in (people or {}):
        return _person(people[value])
    if isinstance(value, str) and value in VALUE_LABELS.get(name, {}):
        return str(VALUE_LABELS[name][value])
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, int) and name.endswith("_minor"):
        return money(value, currency)
    if isinstance(value, int) and name.endswith("_cc"):
        credits = format_credits(value)
        count = 1 if abs(value) == 100 else 2  # 1.5 credits is plural
        # flask_babel's ngettext would put `count` in %(num)s; the text shows 1.5
        words = get_translations().ngettext("%(num)s credit", "%(num)s credits", count)
        return words % {"num": credits}
    if isinstance(value, list):
        return ", ".join(format_value(name, item, currency) for item in value) or "—"
    if isinstance(value, dict):
        parts = (f"{field_label(k)}: {format_value(k, v, currency)}" for k, v in value.items())
        return "; ".join(parts)
    if isinstance(value, str):
        return _format_text(value)
    return str(value)


def _format_text(value: str) -> str:
    try:
        if _DATETIME.match(value):
            return local_datetime(datetime.fromisoformat(value), "medium")
        if _DATE.match(value):
            return local_date(date.fromisoformat(value), "medium")
        if _TIME.match(value):
            return local_time(time.fromisoformat(value))
    except ValueError:
        pass
    return value


def _changes(entry: AuditEntry, people: dict) -> list[Change]:
    before, after = entry.before or {}, entry.after or {}
    currency = after.get("currency") or before.get("currency")
    changes = []
    for name in [*before, *(k for k in after if k not in before)]:
        old = format_value(name, before[name], currency, people) if name in before else None
        new = format_value(name, after[name], currency, people) if name in after else None
        if entry.before is not None and entry.after is not None and old == new:
            continue  # unchanged fields of a before/after snapshot
        changes.append(Change(field_label(name), old, new))
    return changes


def _person(user: User | None) -> str:
    return f"{user.name} ({user.email})" if user else str(_l("System"))


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """Rows for the audit page; one query names every account they are about."""
    user_ids = {
        int(e.entity_id) for e in entries if e.entity_type == "User" and _is_id(e.entity_id)
    }
    for entry in entries:
        for snapshot in (entry.before or {}, entry.after or {}):
            user_ids.update(
                snapshot[name]
                for name in PERSON_FIELDS
                if isinstance(snapshot.get(name), int) and 0 < snapshot[name] < 2**31
            )
    # always one query (even for no ids), so the page's count never varies
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    rows = []
    for entry in entries:
        record = RECORD_LABELS.get(entry.entity_type)
        subject = f"{record or entry.entity_type} #{entry.entity_id}" if entry.entity_id else ""
        if entry.entity_type == "User" and _is_id(entry.entity_id):
            named = users.get(int(entry.entity_id))
            subject = _person(named) if named else subject
        raw = json.dumps(
            {"before": entry.before, "after": entry.after},
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
            default=str,
        )
        rows.append(
            AuditRow(
                entry=entry,
                action=action_label(entry.action),
                actor=_person(entry.actor),
                subject=subject,
                changes=_changes(entry, users),
                raw=raw,
            )
        )
    return rows


def _is_id(value: str | None) -> bool:
    return bool(value) and value.isdigit() and len(value) < 10
