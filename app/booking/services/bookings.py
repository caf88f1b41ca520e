"""The booking engine: holds, confirmation, one-tap booking, cancellation.

Capacity (invariant 1): every path that takes a spot locks the class
session row first (FOR UPDATE on PostgreSQL; SQLite takes its write lock at
BEGIN IMMEDIATE), then counts confirmed bookings + live holds, then writes,
all in one transaction. A lock wait longer than the transaction's
lock_timeout becomes "busy, try again" for the member, never a 500.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.booking.models import (
    Booking,
    BookingStatus,
    Hold,
    HoldStatus,
    Strike,
    StrikeKind,
    WaitlistEntry,
    WaitlistStatus,
)
from app.booking.policy import CancelTerms, cancel_terms
from app.booking.rules import (
    BookingError,
    check_not_blocked,
    check_not_one_to_one,
    check_open,
    check_overlap,
    check_room,
    eligibility,
    email_context,
    existing,
    lock_session,
    lock_session_row,
    refuse_when_plainly_full,
)
from app.core import audit, signals
from app.core.db import transaction
from app.core.errors import NotYours
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.core.permissions import DESK, STAFF, require_role
from app.core.urls import app_path
from app.extensions import db
from app.memberships import ledger
from app.scheduling.models import ClassSession
from app.settings.services import gym_settings


def place_hold(
    session_id: int, member, *, actor, overlap_ok: bool = False, one_to_one: bool = False
) -> Hold:
    """Hold a spot for the member for `hold_minutes`.

    Raises BookingError when the class is off the schedule, started, not
    open for booking yet or any more, a 1:1 session (unless `one_to_one`:
    the staff domain's slot booking, which checked who may book it), the
    member is blocked by strikes,
    already holds or has a spot, is not eligible, the class is full, or it
    overlaps another of theirs and the gym forbids that; OverlapError (ask
    first) when it overlaps and `overlap_ok` is not given. Queues nothing.
    """
    if actor.id == member.id:
        refuse_when_plainly_full(session_id, member, utc_now())
    with transaction():
        cs = lock_session(session_id)
        now = utc_now()  # read under the lock: the wait for it may be long
        check_open(cs, now)
        if not one_to_one:
            check_not_one_to_one(cs)
        check_not_blocked(member, now)
        hold = existing(cs.id, member.id, now)[1]
        if hold is not None:
            raise BookingError(_("We're already holding a spot for you in this class."))
        eligibility(cs, member, now)
        check_room(cs, now)
        check_overlap(cs, member, now, anyway=overlap_ok, by_staff=actor.id != member.id)
        hold = Hold(
            session_id=cs.id,
            member_id=member.id,
            expires_at=now + timedelta(minutes=gym_settings().hold_minutes),
        )
        db.session.add(hold)
        db.session.flush()
        audit.record(
            "hold.placed", hold, actor=actor, after={"session_id": cs.id, "member_id": member.id}
        )
    return hold


def confirm_hold(hold_id: int, member, *, actor) -> Booking:
    """Turn the member's live hold into a booking, spending credits now.

    Raises BookingError when the hold is not the member's, has expired, the
    class is off the schedule, the member already has a spot, is not
    eligible or lacks the credits. Queues the `booking_confirmed` email.
    """
    with transaction():
        hold = db.session.get(Hold, hold_id)
        if hold is None or hold.member_id != member.id:
            raise BookingError(_("We couldn't find that hold."))
        cs = lock_session(hold.session_id)
        db.session.refresh(hold, with_for_update=True)
        now = utc_now()  # read under the lock: the wait for it may outlast the hold
        if not hold.is_live(now):
            raise BookingError(_("Your hold has expired. Try to book again."))
        booking = _book(cs, member, now, actor=actor, hold=hold)
    return booking


def book_now(
    session_id: int,
    member,
    *,
    actor,
    walk_in: bool = False,
    paid_drop_in: bool = False,
    overlap_ok: bool = False,
) -> Booking:
    """Hold and confirm in one step (one tap), under the same rules.

    Desk staff booking someone else may do so outside the members' booking
    window and past a strike block, never beyond capacity. A walk-in (booked
    at the door by the desk or the class's trainer) may also be booked after
    the start, until the class ends. A paid drop-in (billing, inside the
    payment's transaction) needs no membership or credits.

    Raises BookingError when the class is off the schedule, has started (a
    walk-in's: has ended), is not open for booking, is a 1:1 session the
    member asked for by its id, or the member is blocked by strikes (neither
    for the desk or a walk-in), the member already
    has a spot, is not eligible or lacks the credits (unless a paid
    drop-in), the class is full (unless they hold a spot), or it overlaps
    another of their classes and the gym forbids that; OverlapError (ask
    first) when it overlaps and `overlap_ok` is not given (staff get the same
    question); NotYours when a walk-in is booked by neither the desk nor the
    class's trainer. A walk-in or paid drop-in is at the door: no overlap
    question. Queues the `booking_confirmed` email.
    """
    desk_override = actor.id != member.id and actor.role in DESK
    if actor.id == member.id and not (walk_in or paid_drop_in):
        refuse_when_plainly_full(session_id, member, utc_now())
    with transaction():
        cs = lock_session(session_id)
        now = utc_now()  # read under the lock: the wait for it may outlast a hold
        if walk_in:
            _check_walk_in(cs, actor, now)
        elif desk_override:
            if cs.starts_at <= now:
                raise BookingError(_("This class has already started."))
        else:
            check_open(cs, now)
            if actor.id == member.id:
                check_not_one_to_one(cs)
            check_not_blocked(member, now)
        staff_for = member.name if actor.id != member.id else None
        hold = existing(cs.id, member.id, now, by_staff_for=staff_for)[1]
        if hold is None:
            check_room(cs, now)
        if hold is None and not (walk_in or paid_drop_in):  # a hold was asked about
            check_overlap(cs, member, now, anyway=overlap_ok, by_staff=staff_for is not None)
        booking = _book(cs, member, now, actor=actor, hold=hold, paid=paid_drop_in, checked=True)
    return booking


def _check_walk_in(cs: ClassSession, actor, now) -> None:
    if actor.role not in DESK and cs.trainer.user_id != actor.id:
        raise NotYours()
    if cs.ends_at <= now:
        raise BookingError(_("This class has ended."))


def _book(
    cs: ClassSession, member, now, *, actor, hold: Hold | None, paid=False, checked=False
) -> Booking:
    """Write the booking; `checked` when the caller already ran `existing`
    under this lock (book_now), so the hot path reads it once."""
    by_staff = actor is not None and actor.id != member.id
    if not checked:
        existing(cs.id, member.id, now, by_staff_for=member.name if by_staff else None)
    membership_id, needed = (None, 0) if paid else eligibility(cs, member, now, by_staff=by_staff)
    booking = Booking(
        session_id=cs.id,
        member_id=member.id,
        booked_at=now,
        membership_id=membership_id,
        credits_cc=needed,
    )
    db.session.add(booking)
    db.session.flush()
    if needed:
        try:
            ledger.spend(member.id, needed, booking_id=booking.id, actor=actor)
        except ledger.CreditError as exc:
            if by_staff:  # the ledger's message speaks to the member
                name = member.name
                raise BookingError(
                    _("%(name)s does not have enough credits for this class.", name=name)
                ) from exc
            raise BookingError(str(exc)) from exc
    if hold is not None:
        hold.status = HoldStatus.CONFIRMED
        _close_waitlist_offer(hold)
    audit.record(
        "booking.confirmed", booking, actor=actor, after={"session_id": cs.id, "credits_cc": needed}
    )
    signals.tell(
        member.id,
        "booking_confirmed",
        link=app_path("booking.my_bookings"),
        **email_context(cs),
        booking_id=booking.id,
        ics_sequence=booking.ics_sequence,
    )
    return booking


def _close_waitlist_offer(hold: Hold, status=WaitlistStatus.PROMOTED) -> None:
    entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.hold_id == hold.id))
    if entry is not None:
        entry.status = status


def release_hold(hold_id: int, member, *, actor) -> None:
    """Give a held spot back before it expires; the waitlist is offered it
    (a declined waitlist offer also ends the member's place in that line).

    Raises BookingError when the hold is not the member's or no longer live.
    Queues `booking.promote_waitlist` for the session.
    """
    with transaction():
        hold = db.session.get(Hold, hold_id, with_for_update=True)
        if hold is None or hold.member_id != member.id or not hold.is_live(utc_now()):
            raise BookingError(_("We couldn't find that hold."))
        hold.status = HoldStatus.RELEASED
        if hold.is_priority:  # a waitlist offer turned down: that place in line ends
            _close_waitlist_offer(hold, WaitlistStatus.LEFT)
        audit.record("hold.released", hold, actor=actor)
        enqueue_after_commit("booking.promote_waitlist", hold.session_id)


def find_booking(booking_id: int, member) -> Booking:
    """The member's own booking, or BookingError (another member's looks missing).

    Reads only; queues nothing.
    """
    booking = db.session.get(Booking, booking_id)
    if booking is None or (booking.member_id != member.id):
        raise BookingError(_("We couldn't find that booking."))
    return booking


def cancel_booking(booking_id: int, member, *, actor, refund: bool | None = None) -> Booking:
    """Cancel a booking under the policy (staff may force a full refund or none).

    `cancel_with_terms` without the terms; raises and queues what it does.
    """
    return cancel_with_terms(booking_id, member, actor=actor, refund=refund)[0]


def cancel_with_terms(
    booking_id: int, member, *, actor, refund: bool | None = None
) -> tuple[Booking, CancelTerms]:
    """Cancel a booking under the policy; return it with the terms applied.

    Refunds or forfeits the credits, and records a strike for a late cancel,
    exactly as `cancel_terms` (what the cancel page showed) says. Staff may
    cancel anyone's booking, even once the class has started; only desk
    staff choose the refund, and a refund they choose is never a strike.

    Raises BookingError when the booking is missing (or another member's,
    for a member), already cancelled, or its class has started (for a
    member); CreditError when its spend was already settled. Queues
    `booking.promote_waitlist` for the session.
    """
    with transaction():
        booking = db.session.get(Booking, booking_id)
        staff = actor.role in STAFF
        if booking is None or (booking.member_id != member.id and not staff):
            raise BookingError(_("We couldn't find that booking."))
        lock_session_row(booking.session_id)
        now = utc_now()  # read under the lock: the refund tier depends on it
        db.session.refresh(booking, with_for_update=True)
        if not booking.is_active:
            raise BookingError(_("This booking is already cancelled."))
        if booking.session.starts_at <= now and not staff:
            raise BookingError(_("This class has already started."))
        terms = cancel_terms(booking, now)
        if refund is not None:  # chosen by staff (or billing): never a strike
            desk_choice = booking.credits_cc if refund else 0
            terms = terms.waived(desk_choice if actor.role in DESK else terms.refund_cc)
        settle(booking, terms.refund_cc, actor=actor, reason="cancelled")
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
        booking.ics_sequence += 1  # the calendar file of the notice cancels the event
        if terms.strike:
            db.session.add(
                Strike(
                    member_id=booking.member_id,
                    booking_id=booking.id,
                    kind=StrikeKind.LATE_CANCEL,
                    created_at=now,
                )
            )
        audit.record(
            "booking.cancelled",
            booking,
            actor=actor,
            after={"refunded_cc": terms.refund_cc, "strike": terms.strike},
        )
        _tell_cancelled(booking, terms, by_member=actor.id == booking.member_id)
        enqueue_after_commit("booking.promote_waitlist", booking.session_id)
    return booking, terms


def _tell_cancelled(booking: Booking, terms: CancelTerms, *, by_member: bool) -> None:
    """The member hears that the booking is cancelled, and what it cost."""
    signals.tell(
        booking.member_id,
        "booking_cancelled",
        link=app_path("booking.my_bookings"),
        **email_context(booking.session),
        booking_id=booking.id,
        ics_sequence=booking.ics_sequence,
        by_member=by_member,
        terms=terms.as_result(),
    )


def mark_no_show(booking_id: int, *, actor) -> Booking:
    """The member did not come: credits are forfeited and a strike recorded.

    `actor` None is the no-show job. Raises AccessDenied when `actor` is
    not staff; BookingError when the booking is not confirmed, its class has
    not started, or a `booking_attended` receiver says the member checked
    in; CreditError when its spend was already settled. Queues nothing.
    """
    if actor is not None:
        require_role(actor, *STAFF)
    with transaction():
        booking = db.session.get(Booking, booking_id, with_for_update=True)
        if booking is None or not booking.is_active:
            raise BookingError(_("We couldn't find that booking."))
        if booking.session.starts_at > utc_now():
            raise BookingError(_("A no-show can only be marked once the class has started."))
        if any(signals.answers(signals.booking_attended, booking.id)):
            raise BookingError(_("%(name)s has checked in.", name=booking.member.name))
        settle(booking, 0, actor=actor, reason="no-show")
        booking.status = BookingStatus.NO_SHOW
        db.session.add(
            Strike(member_id=booking.member_id, booking_id=booking.id, kind=StrikeKind.NO_SHOW)
        )
        audit.record("booking.no_show", booking, actor=actor)
    return booking


def count_confirmed(session_id: int) -> int:
    """Confirmed bookings in one session. Reads only; queues nothing."""
    return db.session.scalar(
        select(func.count(Booking.id)).where(
            Booking.session_id == session_id, Booking.status == BookingStatus.CONFIRMED
        )
    )


def settle(booking: Booking, refund_cc: int, *, actor, reason: str) -> None:
    """Settle what `booking` spent: `refund_cc` back to the member, the rest
    forfeited, inside the caller's transaction; note the refund on the booking.

    A booking that spent nothing only has its refund set to 0. Raises
    CreditError when the spend was already settled. Queues nothing.
    """
    spend = ledger.spend_for(booking.id)
    if spend is not None:
        ledger.settle(spend, refund_cc, actor=actor, reason=reason)
    booking.refunded_cc = refund_cc if spend is not None else 0
