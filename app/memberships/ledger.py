"""The credit ledger, the public API other domains write credits through:
lots, append-only entries, first-expiring-first spending.

Its writes (`grant`, `spend`, `settle`, `adjust`, `revoke_lot`,
`expire_lots`) are building blocks of the membership, booking and billing
services: each runs inside the caller's transaction, after locking the
member's lots so two spends never take the same credit, and leaves the
commit, the audit entry and any job to that caller. Its reads (`balance`,
`spend_for`, `check_ledger`) sit beside them, so services and page queries
alike may ask. Amounts are hundredths of a credit.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import signals
from app.core.errors import DomainError
from app.core.models import utc_now
from app.extensions import db
from app.memberships.models import (
    CC,
    CreditLot,
    EntryKind,
    LedgerAllocation,
    LedgerEntry,
    LotSource,
)


class CreditError(DomainError):
    """Not enough credits, or a ledger rule said no."""


def format_credits(amount_cc: int) -> str:
    """1.5, 2, 0.25: credits the way a member reads them."""
    whole, part = divmod(abs(amount_cc), CC)
    text = str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")
    return f"-{text}" if amount_cc < 0 else text


def _live_lots(member_id: int, now: datetime, *, lock: bool) -> list[CreditLot]:
    query = (
        select(CreditLot)
        .where(
            CreditLot.member_id == member_id,
            CreditLot.remaining_cc > 0,
            CreditLot.expires_at > now,
        )
        .order_by(CreditLot.expires_at, CreditLot.id)
    )
    if lock:
        query = query.with_for_update()
    return list(db.session.scalars(query))


def _lock_lots(lot_ids: list[int]) -> None:
    """Lock these lots first-expiring first, the order `_live_lots` locks them in."""
    db.session.scalars(
        select(CreditLot)
        .where(CreditLot.id.in_(lot_ids))
        .order_by(CreditLot.expires_at, CreditLot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()


def balance(member_id: int, now: datetime | None = None) -> int:
    """Spendable credits: unexpired lots only, even before the expiry job ran."""
    now = now or utc_now()
    return db.session.scalar(
        select(func.coalesce(func.sum(CreditLot.remaining_cc), 0)).where(
            CreditLot.member_id == member_id, CreditLot.expires_at > now
        )
    )


def _entry(member_id, kind, amount_cc, *, actor=None, reason="", booking_id=None, settles=None):
    entry = LedgerEntry(
        member_id=member_id,
        kind=kind,
        amount_cc=amount_cc,
        actor_id=getattr(actor, "id", None),
        reason=reason,
        booking_id=booking_id,
        settles_entry_id=settles.id if settles else None,
    )
    db.session.add(entry)
    return entry


def _allocate(entry: LedgerEntry, lot: CreditLot, amount_cc: int) -> None:
    lot.remaining_cc += amount_cc
    entry.allocations.append(LedgerAllocation(lot=lot, amount_cc=amount_cc))


def grant(
    member_id: int,
    amount_cc: int,
    expires_at: datetime,
    *,
    source: LotSource,
    membership_id=None,
    actor=None,
    reason="",
) -> CreditLot:
    """A new lot of credits and its purchase or adjustment entry.

    Raises CreditError (field "credits") for an amount that is not positive.
    Queues nothing.
    """
    if amount_cc <= 0:
        raise CreditError(_("Enter a positive number of credits."), field="credits")
    lot = CreditLot(
        member_id=member_id,
        source=source,
        membership_id=membership_id,
        granted_cc=amount_cc,
        remaining_cc=0,
        expires_at=expires_at,
    )
    db.session.add(lot)
    kind = EntryKind.PURCHASE if source is LotSource.PURCHASE else EntryKind.ADJUSTMENT
    _allocate(_entry(member_id, kind, amount_cc, actor=actor, reason=reason), lot, amount_cc)
    db.session.flush()
    return lot


def spend(member_id: int, amount_cc: int, *, booking_id: int, actor=None) -> LedgerEntry:
    """Take credits for a booking from the lots that expire first.

    Raises CreditError when the unexpired balance is short; nothing is taken.
    Queues nothing.
    """
    lots = _live_lots(member_id, utc_now(), lock=True)
    if sum(lot.remaining_cc for lot in lots) < amount_cc:
        raise CreditError(_("You don't have enough credits for this class."))
    entry = _entry(member_id, EntryKind.SPEND, -amount_cc, actor=actor, booking_id=booking_id)
    left = amount_cc
    for lot in lots:
        taken = min(left, lot.remaining_cc)
        if taken:
            _allocate(entry, lot, -taken)
            left -= taken
        if not left:
            break
    db.session.flush()
    return entry


def spend_for(booking_id: int) -> LedgerEntry | None:
    return db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.booking_id == booking_id, LedgerEntry.kind == EntryKind.SPEND
        )
    )


def settle(spend_entry: LedgerEntry, refund_cc: int, *, actor=None, reason="") -> LedgerEntry:
    """Close a spend: refund `refund_cc` to the lots it came from, or forfeit.

    A spend is settled once; a second settlement raises CreditError.
    Queues nothing.
    """
    if db.session.scalar(
        select(LedgerEntry.id).where(LedgerEntry.settles_entry_id == spend_entry.id)
    ):
        raise CreditError(_("These credits were already settled."))
    refund_cc = max(0, min(refund_cc, -spend_entry.amount_cc))
    kind = EntryKind.REFUND if refund_cc else EntryKind.FORFEIT
    entry = _entry(
        spend_entry.member_id,
        kind,
        refund_cc,
        actor=actor,
        reason=reason,
        booking_id=spend_entry.booking_id,
        settles=spend_entry,
    )
    left = refund_cc
    if refund_cc:  # lock in spending's order, or a refund and a spend can deadlock
        _lock_lots([allocation.lot_id for allocation in spend_entry.allocations])
    # give back to the latest-expiring lots first: the member keeps credits longest
    for allocation in sorted(spend_entry.allocations, key=lambda a: a.lot.expires_at, reverse=True):
        back = min(left, -allocation.amount_cc)
        if back:
            db.session.refresh(allocation.lot, with_for_update=True)
            _allocate(entry, allocation.lot, back)
            left -= back
    db.session.flush()
    return entry


def adjust(member_id: int, amount_cc: int, reason: str, *, actor, expires_at=None):
    """Staff correction: add a lot, or take credits (first-expiring first).

    Raises CreditError without a reason, for zero, for added credits without
    an expiry, or when taking more than the member has. Queues nothing.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CreditError(_("Give a reason for the adjustment."), field="reason")
    if amount_cc > 0:
        if expires_at is None:
            raise CreditError(_("Choose when these credits expire."), field="expires_on")
        return grant(
            member_id,
            amount_cc,
            expires_at,
            source=LotSource.ADJUSTMENT,
            actor=actor,
            reason=reason,
        )
    if amount_cc == 0:
        raise CreditError(_("Enter a number of credits other than zero."), field="credits")
    lots = _live_lots(member_id, utc_now(), lock=True)
    if sum(lot.remaining_cc for lot in lots) < -amount_cc:
        raise CreditError(_("The member doesn't have that many credits."), field="credits")
    entry = _entry(member_id, EntryKind.ADJUSTMENT, amount_cc, actor=actor, reason=reason)
    left = -amount_cc
    for lot in lots:
        taken = min(left, lot.remaining_cc)
        if taken:
            _allocate(entry, lot, -taken)
            left -= taken
    db.session.flush()
    return entry


def revoke_lot(lot_id: int, reason: str, *, actor=None) -> int:
    """Take back what is left of one lot (its sale was refunded); returns how
    many hundredths were taken. Credits already spent stay spent.

    Raises nothing of its own. Queues nothing.
    """
    _lock_lots([lot_id])
    lot = db.session.get(CreditLot, lot_id, populate_existing=True)
    left = lot.remaining_cc if lot is not None and lot.expires_at > utc_now() else 0
    if left:
        entry = _entry(lot.member_id, EntryKind.ADJUSTMENT, -left, actor=actor, reason=reason)
        _allocate(entry, lot, -left)
        db.session.flush()
    return left


def expire_lots(now: datetime | None = None) -> int:
    """Write expiry entries for lapsed lots that still hold credits; return how many.

    Lots another transaction holds locked are left for the next run. Raises
    nothing of its own. Queues nothing.
    """
    now = now or utc_now()
    lots = db.session.scalars(
        select(CreditLot)
        .where(CreditLot.expires_at <= now, CreditLot.remaining_cc > 0)
        .with_for_update(skip_locked=True)
    ).all()
    for lot in lots:
        entry = _entry(lot.member_id, EntryKind.EXPIRY, -lot.remaining_cc, reason="expired")
        _allocate(entry, lot, -lot.remaining_cc)
    db.session.flush()
    return len(lots)


@dataclass
class Breach:
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.what}: {self.detail}"


def check_ledger() -> list[Breach]:
    """Every rule of invariant 3 that the stored ledger breaks."""
    breaches = []
    lot_sums = db.session.execute(
        select(
            CreditLot.id,
            CreditLot.remaining_cc,
            func.coalesce(func.sum(LedgerAllocation.amount_cc), 0),
        )
        .outerjoin(LedgerAllocation, LedgerAllocation.lot_id == CreditLot.id)
        .group_by(CreditLot.id, CreditLot.remaining_cc)
    ).all()
    for lot_id, remaining, total in lot_sums:
        if remaining != total:
            breaches.append(
                Breach("lot balance", f"lot {lot_id}: {remaining} kept, {total} summed")
            )
        if total < 0:
            breaches.append(Breach("negative lot", f"lot {lot_id}: {total}"))
    entry_sums = db.session.execute(
        select(
            LedgerEntry.id,
            LedgerEntry.amount_cc,
            func.coalesce(func.sum(LedgerAllocation.amount_cc), 0),
        )
        .outerjoin(LedgerAllocation, LedgerAllocation.entry_id == LedgerEntry.id)
        .where(LedgerEntry.kind != EntryKind.FORFEIT)
        .group_by(LedgerEntry.id, LedgerEntry.amount_cc)
    ).all()
    for entry_id, amount, allocated in entry_sums:
        if amount != allocated:
            breaches.append(
                Breach("entry allocations", f"entry {entry_id}: {amount} vs {allocated}")
            )
    orphans = db.session.scalars(
        select(LedgerEntry.id).where(
            LedgerEntry.kind == EntryKind.SPEND, LedgerEntry.booking_id.is_(None)
        )
    ).all()
    breaches += [Breach("spend without booking", f"entry {i}") for i in orphans]
    for found in signals.answers(signals.ledger_audited, None):
        breaches += found
    return breaches
