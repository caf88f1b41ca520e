"""The waitlist: join, leave, and promotion of the head of the line.

When a spot frees up (a cancellation, an expired or released hold, more
capacity) a job offers it to the first member waiting: a priority hold of
`priority_hold_minutes` and an email. If the hold lapses, the next member
is offered it. Promotion locks the session row like any booking, so it
never gives out more spots than are free.
"""

import logging

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.booking.models import (
    WAITLIST_OPEN,
    Booking,
    BookingStatus,
    Hold,
    HoldStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from app.booking.queries import occupancy
from app.booking.rules import (
    BookingError,
    check_not_one_to_one,
    check_open,
    eligibility,
    email_context,
    existing,
    lock_session,
    lock_session_row,
)
from app.booking.services.bookings import settle
from app.core import audit, signals
from app.core.db import transaction
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.core.urls import app_path
from app.extensions import db
from app.settings.services import gym_settings

log = logging.getLogger(__name__)

#: changes to a class after which its booked members may cancel for free
FREE_CANCEL_CHANGES = ("rescheduled", "trainer_changed")


def join_waitlist(session_id: int, member, *, actor) -> WaitlistEntry:
    """Queue the member for a full class.

    Raises BookingError when the class is off the schedule, started or not
    open for booking, a 1:1 session, the member already holds or has a spot, is not
    eligible, is already waiting, or the class has free spots. Queues
    nothing.
    """
    with transaction():
        cs = lock_session(session_id, shared=True)  # joiners queue together
        now = utc_now()  # read under the lock
        check_open(cs, now)
        check_not_one_to_one(cs)
        if existing(cs.id, member.id, now)[1] is not None:
            raise BookingError(_("We're already holding a spot for you in this class."))
        eligibility(cs, member, now)
        if occupancy.taken(cs.id, now) < cs.capacity:
            raise BookingError(_("There are free spots: book one instead."))
        entry = WaitlistEntry(session_id=cs.id, member_id=member.id)
        db.session.add(entry)
        try:
            db.session.flush()
        except IntegrityError as exc:  # one open place per member (uq_waitlist_open_place)
            raise BookingError(_("You're already on the waitlist for this class.")) from exc
        audit.record("waitlist.joined", entry, actor=actor)
    return entry


def leave_waitlist(entry_id: int, member, *, actor) -> None:
    """Leave the line (and give back a priority hold if one was offered).

    Raises BookingError when the member has no open place in this line.
    Queues `booking.promote_waitlist` when an active priority hold is given
    back.
    """
    with transaction():
        entry = db.session.get(WaitlistEntry, entry_id, with_for_update=True)
        if entry is None or entry.member_id != member.id or entry.status not in WAITLIST_OPEN:
            raise BookingError(_("You're not on this waitlist."))
        if entry.hold is not None and entry.hold.status is HoldStatus.ACTIVE:
            entry.hold.status = HoldStatus.RELEASED
            enqueue_after_commit("booking.promote_waitlist", entry.session_id)
        entry.status = WaitlistStatus.LEFT
        audit.record("waitlist.left", entry, actor=actor)


def promote_waitlist(session_id: int) -> int:
    """Job: offer every free spot to the next members in line; return offers made.

    Offers whose priority hold ran out lapse first. A session that is gone,
    cancelled or started gets no offers. Each offer is a priority hold of
    `priority_hold_minutes`. Raises BookingError only when the wait for the
    session's lock runs out. Queues the `waitlist_offer` email per offer.
    """
    offers = 0
    with transaction():
        cs = lock_session_row(session_id)
        now = utc_now()  # read under the lock
        if cs is None or cs.is_cancelled or cs.starts_at <= now:
            return 0
        _lapse_offers(cs.id, now)
        free = cs.capacity - occupancy.taken(cs.id, now)
        line = db.session.scalars(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.session_id == cs.id, WaitlistEntry.status == WaitlistStatus.WAITING
            )
            .order_by(WaitlistEntry.id)
        ).all()
        minutes = gym_settings().priority_hold_minutes
        for entry in line:
            if free <= 0:
                break
            from datetime import timedelta

            hold = Hold(
                session_id=cs.id,
                member_id=entry.member_id,
                is_priority=True,
                expires_at=now + timedelta(minutes=minutes),
            )
            db.session.add(hold)
            db.session.flush()
            entry.status, entry.hold_id = WaitlistStatus.OFFERED, hold.id
            audit.record("waitlist.offered", entry, after={"hold_id": hold.id})
            signals.tell(
                entry.member_id,
                "waitlist_offer",
                link=app_path("booking.my_bookings"),
                key=f"waitlist-offer-{hold.id}",
                **email_context(cs),
                expires_at=hold.expires_at.isoformat(),
                minutes=minutes,
            )
            free -= 1
            offers += 1
    return offers


def _lapse_offers(session_id: int, now) -> None:
    """Offers whose priority hold ran out go to the back of history, not the line."""
    lapsed = db.session.scalars(
        select(WaitlistEntry)
        .join(Hold, Hold.id == WaitlistEntry.hold_id)
        .where(
            WaitlistEntry.session_id == session_id,
            WaitlistEntry.status == WaitlistStatus.OFFERED,
            Hold.expires_at <= now,
            Hold.status == HoldStatus.ACTIVE,
        )
    ).all()
    for entry in lapsed:
        entry.status = WaitlistStatus.LAPSED
        entry.hold.status = HoldStatus.EXPIRED


def expire_holds() -> int:
    """Periodic: mark lapsed holds expired and offer their spots; return how many.

    Capacity never waited for this (an expired hold stops counting at once);
    it tidies up and moves the waitlist along. Returns the number of
    sessions with a lapsed hold; priority holds are left to
    `promote_waitlist`, which lapses their offers. Raises nothing of its
    own. Queues `booking.promote_waitlist` for each of those sessions.
    """
    now = utc_now()
    with transaction():
        session_ids = db.session.scalars(
            select(Hold.session_id)
            .where(Hold.status == HoldStatus.ACTIVE, Hold.expires_at <= now)
            .distinct()
        ).all()
        db.session.execute(
            update(Hold)
            .where(
                Hold.status == HoldStatus.ACTIVE,
                Hold.expires_at <= now,
                Hold.is_priority.is_(False),
            )
            .values(status=HoldStatus.EXPIRED)
        )
        for session_id in session_ids:
            enqueue_after_commit("booking.promote_waitlist", session_id)
    return len(session_ids)


def on_session_change(class_session, change: str) -> None:
    """Scheduling hook (`session_changed`), inside scheduling's transaction.

    "capacity_raised" offers the new room to the line; "cancelled" cancels
    every confirmed booking with a full refund, releases the holds and
    closes the line. New times or a new trainer let the booked members
    cancel free until the (new) start; these and a new room raise each
    booking's calendar sequence (a cancellation too). Raises CreditError
    when a spend was already settled. Queues `booking.promote_waitlist` for
    a raised capacity, nothing otherwise.
    """
    if change == "capacity_raised":
        enqueue_after_commit("booking.promote_waitlist", class_session.id)
        return
    booked = (Booking.session_id == class_session.id, Booking.status == BookingStatus.CONFIRMED)
    if change in FREE_CANCEL_CHANGES:
        db.session.execute(
            update(Booking)
            .where(*booked)
            .values(
                ics_sequence=Booking.ics_sequence + 1, free_cancel_until=class_session.starts_at
            )
        )
        return
    if change == "room_changed":
        db.session.execute(
            update(Booking).where(*booked).values(ics_sequence=Booking.ics_sequence + 1)
        )
        return
    if change != "cancelled":
        return
    now = utc_now()
    for booking in db.session.scalars(select(Booking).where(*booked)):
        settle(booking, booking.credits_cc, actor=None, reason="class cancelled")
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
        booking.cancel_note = "class cancelled"
        booking.ics_sequence += 1
    db.session.execute(
        update(Hold)
        .where(Hold.session_id == class_session.id, Hold.status == HoldStatus.ACTIVE)
        .values(status=HoldStatus.RELEASED)
    )
    db.session.execute(
        update(WaitlistEntry)
        .where(
            WaitlistEntry.session_id == class_session.id, WaitlistEntry.status.in_(WAITLIST_OPEN)
        )
        .values(status=WaitlistStatus.LEFT)
    )
