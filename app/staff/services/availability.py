"""Trainers' availability (weekly blocks, dated exceptions, who may book) and
booking a 1:1 from a free slot.

Availability is kept by the trainer or an admin. Overlapping blocks on the
same weekday (while both are valid) are refused, naming the other block:
two blocks never silently become one. Shrinking availability never touches
booked sessions; the page lists the booked 1:1s now outside it.

Booking a slot creates the 1:1 class session and the member's hold in one
transaction that first locks the trainer row (FOR UPDATE), then re-computes
the free slots: two members picking overlapping slots (10:00 and 10:30, an
hour each) queue on that lock, and the second finds the time taken. A 1:1
whose hold lapses unconfirmed stops counting at once (the slot queries skip
sessions with no booking and no live hold); the next booking with that
trainer, and a job every five minutes, cancel such leftovers, so none
lingers on the timetable.
"""

from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Role
from app.booking.models import Hold
from app.booking.services.bookings import place_hold
from app.core import audit
from app.core.clock import local_date
from app.core.db import transaction
from app.core.errors import DomainError, NotYours
from app.core.i18n import gym_today, gym_zone, local_time
from app.core.models import utc_now
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType, SessionStatus
from app.staff.models import AvailabilityBlock, AvailabilityException, ExceptionKind
from app.staff.queries.availability import free_slots_for, lapsed_one_to_ones
from app.trainers.models import Trainer
from app.trainers.queries import is_client

AUDIENCES = ("anyone", "clients")
#: blocks and exceptions may not reach further than this
LATEST_DAY = timedelta(days=2 * 365)


class AvailabilityError(DomainError):
    """An availability or 1:1 booking rule said no; the message is for the user."""


class SlotTaken(AvailabilityError):
    """The slot was free when shown and is not any more: show fresh slots."""


# -- keeping availability ----------------------------------------------------


def _trainer_for(trainer_id: int, actor, *, lock: bool = False) -> Trainer:
    """The trainer, when `actor` is an admin or that trainer; NotYours otherwise."""
    trainer = db.session.get(
        Trainer, trainer_id, with_for_update=lock or None, populate_existing=lock
    )
    if trainer is None or not (actor.role is Role.ADMIN or trainer.user_id == actor.id):
        raise NotYours()
    return trainer


def _check_times(start: time | None, end: time | None) -> None:
    if start is None:
        raise AvailabilityError(_("Enter the start time."), field="start_time")
    if end is None:
        raise AvailabilityError(_("Enter the end time."), field="end_time")
    if end <= start:
        raise AvailabilityError(_("The end must be after the start."), field="end_time")


def _check_day(day: date | None, field: str, *, today: date) -> None:
    if day is None:
        raise AvailabilityError(_("Enter a date."), field=field)
    if day < today:
        raise AvailabilityError(_("Choose today or a later date."), field=field)
    if day > today + LATEST_DAY:
        raise AvailabilityError(_("Choose a date within the next two years."), field=field)


def save_block(
    trainer_id: int,
    block_id: int | None,
    *,
    weekday: int,
    start_time: time,
    end_time: time,
    valid_from: date,
    valid_until: date | None,
    actor,
) -> AvailabilityBlock:
    """Create (block_id None) or change one of the trainer's weekly blocks.

    Raises NotYours when the trainer or block is missing or not the actor's
    (admins may keep anyone's); AvailabilityError (with its field) for a
    weekday outside Monday-Sunday, an end not after the start, a last day
    before the first or in the past, a first day in the past for a new block,
    or an overlap with another of the trainer's blocks on that weekday.
    Queues nothing.
    """
    if weekday not in range(7):
        raise AvailabilityError(_("Choose a weekday."), field="weekday")
    _check_times(start_time, end_time)
    today = gym_today()
    if valid_from is None:
        raise AvailabilityError(_("Enter a date."), field="valid_from")
    if block_id is None:
        _check_day(valid_from, "valid_from", today=today)
    if valid_until is not None:
        _check_day(valid_until, "valid_until", today=today)
        if valid_until < valid_from:
            raise AvailabilityError(
                _("The last day must be on or after the first."), field="valid_until"
            )
    with transaction():
        trainer = _trainer_for(trainer_id, actor, lock=True)
        block = None
        if block_id is not None:
            block = db.session.get(AvailabilityBlock, block_id)
            if block is None or block.trainer_id != trainer.id:
                raise NotYours()
        _refuse_overlap(
            trainer.id, block_id, weekday, start_time, end_time, valid_from, valid_until
        )
        before = None if block is None else _block_values(block)
        block = block or AvailabilityBlock(trainer_id=trainer.id)
        block.weekday, block.start_time, block.end_time = weekday, start_time, end_time
        block.valid_from, block.valid_until = valid_from, valid_until
        db.session.add(block)
        db.session.flush()
        action = "availability.created" if before is None else "availability.updated"
        audit.record(action, block, actor=actor, before=before, after=_block_values(block))
    return block


def _block_values(block: AvailabilityBlock) -> dict:
    return {
        "trainer_id": block.trainer_id,
        "weekday": block.weekday,
        "start_time": block.start_time.isoformat(timespec="minutes"),
        "end_time": block.end_time.isoformat(timespec="minutes"),
        "valid_from": block.valid_from.isoformat(),
        "valid_until": block.valid_until.isoformat() if block.valid_until else None,
    }


def _refuse_overlap(trainer_id, block_id, weekday, start, end, valid_from, valid_until) -> None:
    query = select(AvailabilityBlock).where(
        AvailabilityBlock.trainer_id == trainer_id,
        AvailabilityBlock.weekday == weekday,
        AvailabilityBlock.start_time < end,
        AvailabilityBlock.end_time > start,
        (AvailabilityBlock.valid_until.is_(None)) | (AvailabilityBlock.valid_until >= valid_from),
    )
    if valid_until is not None:
        query = query.where(AvailabilityBlock.valid_from <= valid_until)
    if block_id is not None:
        query = query.where(AvailabilityBlock.id != block_id)
    other = db.session.scalars(query.limit(1)).first()
    if other is not None:
        raise AvailabilityError(
            _(
                "This overlaps the block from %(start)s to %(end)s on the same day. "
                "Change that block instead.",
                start=local_time(other.start_time),
                end=local_time(other.end_time),
            ),
            field="start_time",
        )


def delete_block(block_id: int, *, actor) -> None:
    """Remove a weekly block; booked sessions stay as they are.

    Raises NotYours when the block is missing or another trainer's (for a
    trainer). Queues nothing.
    """
    with transaction():
        block = db.session.get(AvailabilityBlock, block_id)
        if block is None:
            raise NotYours()
        _trainer_for(block.trainer_id, actor, lock=True)
        audit.record("availability.deleted", block, actor=actor, before=_block_values(block))
        db.session.delete(block)


def add_exception(
    trainer_id: int,
    *,
    on_day: date,
    kind: str,
    start_time: time | None,
    end_time: time | None,
    note: str = "",
    actor,
) -> AvailabilityException:
    """Add a dated exception: a day off (no times), hours off, or extra hours.

    Raises NotYours when the trainer is missing or not the actor's;
    AvailabilityError for an unknown kind, a past or far-off day, extra
    hours without times, only one of the times, or an end not after the
    start. Queues nothing.
    """
    try:
        kind_value = ExceptionKind(kind)
    except ValueError:
        raise AvailabilityError(_("Choose day off or extra hours."), field="kind") from None
    _check_day(on_day, "on_day", today=gym_today())
    if kind_value is ExceptionKind.EXTRA or start_time is not None or end_time is not None:
        _check_times(start_time, end_time)
    if len(note or "") > 200:
        raise AvailabilityError(_("Keep the note under 200 characters."), field="note")
    with transaction():
        trainer = _trainer_for(trainer_id, actor, lock=True)
        exception = AvailabilityException(
            trainer_id=trainer.id,
            on_day=on_day,
            kind=kind_value,
            start_time=start_time,
            end_time=end_time,
            note=(note or "").strip(),
        )
        db.session.add(exception)
        db.session.flush()
        audit.record(
            "availability_exception.created",
            exception,
            actor=actor,
            after={"on_day": on_day.isoformat(), "kind": kind_value.value},
        )
    return exception


def delete_exception(exception_id: int, *, actor) -> None:
    """Remove a dated exception. Raises NotYours when it is missing or another
    trainer's (for a trainer). Queues nothing."""
    with transaction():
        exception = db.session.get(AvailabilityException, exception_id)
        if exception is None:
            raise NotYours()
        _trainer_for(exception.trainer_id, actor, lock=True)
        audit.record(
            "availability_exception.deleted",
            exception,
            actor=actor,
            before={"on_day": exception.on_day.isoformat(), "kind": exception.kind.value},
        )
        db.session.delete(exception)


def set_one_to_one_audience(trainer_id: int, audience: str, *, actor) -> Trainer:
    """Say who may book the trainer's 1:1s: 'anyone' or 'clients'.

    Raises NotYours when the trainer is missing or not the actor's;
    AvailabilityError for another value. Queues nothing.
    """
    if audience not in AUDIENCES:
        raise AvailabilityError(_("Choose who may book."), field="audience")
    with transaction():
        trainer = _trainer_for(trainer_id, actor, lock=True)
        before = trainer.one_to_one_audience
        if before != audience:
            trainer.one_to_one_audience = audience
            audit.record(
                "trainer.one_to_one_audience_changed",
                trainer,
                actor=actor,
                before={"audience": before},
                after={"audience": audience},
            )
    return trainer


# -- booking a 1:1 from a free slot -------------------------------------------


def may_book(trainer: Trainer, member_id: int) -> bool:
    """Whether the member may book this trainer's 1:1s (their audience)."""
    return trainer.one_to_one_audience == "anyone" or is_client(trainer.id, member_id)


def one_to_one_type(class_type_id: int) -> ClassType:
    """The active 1:1 class type, or NotYours (a class type that is not 1:1 looks missing)."""
    class_type = db.session.get(ClassType, class_type_id)
    if class_type is None or not class_type.is_one_to_one or not class_type.is_active:
        raise NotYours()
    return class_type


def book_slot(trainer_id: int, class_type_id: int, starts_at: datetime, member, *, actor) -> Hold:
    """Create a 1:1 session at a free slot and hold it for the member.

    One transaction: lock the trainer row, re-compute the free slots of that
    day, create the session (capacity 1, the type's usual room), cancel the
    trainer's lapsed 1:1 leftovers, and place the hold through the booking
    engine (same credits, rules and expiry as any hold).

    Raises NotYours for an unknown or inactive trainer or type;
    AvailabilityError when the member may not book this trainer, the time
    is too soon or past, or the type has no room; SlotTaken when the time
    is no longer free; BookingError from the engine (credits, strikes,
    eligibility); Busy when the trainer's lock is not had in time. Nothing is
    written when it raises. Queues nothing (the hold is confirmed later).
    """
    class_type = one_to_one_type(class_type_id)
    zone = gym_zone()
    with transaction():
        trainer = db.session.get(Trainer, trainer_id, with_for_update=True, populate_existing=True)
        if trainer is None or not trainer.is_active:
            raise NotYours()
        if not may_book(trainer, member.id):
            raise AvailabilityError(
                _("%(name)s takes 1:1 bookings from their clients only.", name=trainer.name)
            )
        if class_type.default_room_id is None:
            raise AvailabilityError(_("This session type can't be booked yet. Ask the gym."))
        now = utc_now()  # read under the lock: the wait for it may be long
        if starts_at < now + timedelta(minutes=class_type.notice_minutes):
            raise AvailabilityError(_("That time is too soon to book. Choose a later one."))
        day = local_date(starts_at, zone)
        if starts_at not in free_slots_for(trainer.id, class_type, [day], now, zone).get(day, []):
            raise SlotTaken(_("Sorry, that time was just taken. Here are the free times now."))
        _cancel_leftovers(trainer.id, now)
        session = ClassSession(
            class_type_id=class_type.id,
            occurs_on=day,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=class_type.duration_minutes),
            trainer_id=trainer.id,
            room_id=class_type.default_room_id,
            capacity=1,
            status=SessionStatus.PUBLISHED,
            is_customised=True,
        )
        db.session.add(session)
        db.session.flush()
        audit.record(
            "one_to_one.created",
            session,
            actor=actor,
            after={"trainer_id": trainer.id, "member_id": member.id, "starts_at": str(starts_at)},
        )
        hold = place_hold(session.id, member, actor=actor, overlap_ok=True, one_to_one=True)
    return hold


def _cancel_leftovers(trainer_id: int | None, now: datetime) -> list[int]:
    """Cancel upcoming 1:1s whose hold lapsed unbooked (the trainer's, or all)."""
    cancelled = []
    for leftover in lapsed_one_to_ones(trainer_id, now, lock=True):
        leftover.status = SessionStatus.CANCELLED
        leftover.cancelled_at = now
        leftover.cancel_reason = "1:1 hold lapsed"
        cancelled.append(leftover.id)
    return cancelled


def cancel_lapsed_one_to_ones() -> int:
    """Periodic: cancel every upcoming 1:1 whose hold lapsed or was released
    unbooked, so none lingers on the trainer's timetable; return how many.

    Slots never waited for this (such a session stops counting at once);
    it tidies up. Locks the sessions it cancels. Raises nothing of its own;
    queues nothing.
    """
    with transaction():
        cancelled = _cancel_leftovers(None, utc_now())
        if cancelled:
            audit.record(
                "one_to_one.lapsed_cancelled",
                None,
                entity_type="ClassSession",
                after={"session_ids": cancelled},
            )
    return len(cancelled)
