"""Reading what check-ins wrote: rows, the scan log and the ledger."""

from sqlalchemy import func, select

from app.attendance.models import CheckIn, ScanAttempt
from app.booking.models import Booking, Hold, Strike
from app.core.audit import AuditEntry
from app.core.jobs import OutboxJob
from app.extensions import db
from app.memberships.models import LedgerEntry
from app.notifications.models import SentEmail


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def attempts() -> list[ScanAttempt]:
    """The scan log, oldest first."""
    return list(db.session.scalars(select(ScanAttempt).order_by(ScanAttempt.id)))


def check_in_of(booking_id: int) -> CheckIn | None:
    return db.session.scalar(
        select(CheckIn)
        .where(CheckIn.booking_id == booking_id)
        .execution_options(populate_existing=True)
    )


def reload(model, object_id):
    return db.session.get(model, object_id, populate_existing=True)


def booking_status(booking_id: int):
    return reload(Booking, booking_id).status


def entries(member_id: int) -> list[tuple]:
    """The member's ledger as (kind, amount in hundredths), oldest first."""
    return [
        (entry.kind, entry.amount_cc)
        for entry in db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.member_id == member_id).order_by(LedgerEntry.id)
        )
    ]


def strikes(member_id: int) -> int:
    return count(Strike, Strike.member_id == member_id)


def written() -> dict[str, int]:
    """How many rows the check-in paths can write, table by table."""
    return {
        "audit_entries": count(AuditEntry),
        "bookings": count(Booking),
        "holds": count(Hold),
        "job_outbox": count(OutboxJob),
        "sent_emails": count(SentEmail),
        "check_ins": count(CheckIn),
        "ledger_entries": count(LedgerEntry),
        "scan_attempts": count(ScanAttempt),
        "strikes": count(Strike),
    }
