"""Cover for classes whose trainer is away: a substitute takes them, or the
timetable's own services move or cancel them.

A substitution goes through `app.scheduling.services.sessions.update_session`
(a change of trainer): its checks refuse a substitute who teaches elsewhere
then (naming that class) or is on leave, and it tells the booked members
the new trainer's name, with a free cancel until the start. Cancelling goes
through `cancel_session` (refunds and emails happen there).
"""

import logging
from datetime import time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User, UserStatus
from app.core import audit, signals
from app.core.db import transaction
from app.core.errors import AccessDenied, DomainError
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.permissions import ADMIN, ensure, require_role
from app.core.roles import Role
from app.core.urls import app_path
from app.extensions import db
from app.scheduling.models import ClassSession
from app.scheduling.services.sessions import cancel_session, hand_over_session
from app.staff.models import (
    BULK_MAX,
    COMMENT_MAX,
    Cover,
    CoverOffer,
    Leave,
    LeaveStatus,
    OfferStatus,
    free_trainers_for,
    uncovered_sessions_query,
)
from app.trainers.models import Trainer

log = logging.getLogger(__name__)

#: the gym-local hour from which the daily digest of uncovered classes goes out
DIGEST_FROM = time(7)
DIGEST_WITHIN = timedelta(hours=72)


class CoverError(DomainError):
    """A cover action was refused; the message is shown on the plan."""


def _leave_session(leave: Leave, session_id) -> ClassSession:
    """A class the leave touches (the trainer's, inside the span), else CoverError."""
    cs = db.session.get(ClassSession, session_id) if isinstance(session_id, int) else None
    if (
        cs is None
        or cs.starts_at >= leave.ends_at
        or cs.ends_at <= leave.starts_at
        or cs.trainer_id != leave.trainer_id
    ):
        raise CoverError(_("That class is not one this leave needs covered."), field="session_ids")
    return cs


def _approved_leave(leave_id: int) -> Leave:
    leave = db.session.get(Leave, leave_id)
    ensure(leave is not None)
    if leave.status is not LeaveStatus.APPROVED:
        raise CoverError(_("Approve the leave before planning its cover."))
    return leave


def _session_ids(session_ids) -> list[int]:
    ids = sorted({i for i in session_ids or () if isinstance(i, int)})
    if not ids:
        raise CoverError(_("Choose at least one class."), field="session_ids")
    if len(ids) > BULK_MAX:
        raise CoverError(
            _("Choose at most %(max)d classes at a time.", max=BULK_MAX), field="session_ids"
        )
    return ids


def substitute(leave_id: int, session_ids, substitute_id, *, actor) -> list[Cover]:
    """Give the leave's classes `session_ids` to trainer `substitute_id`, all
    or none: each becomes the substitute's (`ClassSession.trainer_id`) and a
    Cover row records who was away.

    Raises AccessDenied unless `actor` is an admin; NotYours for an unknown
    leave; CoverError for a leave not approved, a class the leave does not
    touch, or no substitute chosen; SchedulingError (naming the other class,
    or the leave) when the substitute is busy or away then. Queues what
    `update_session` queues: the members' "session_changed" notice with the
    new trainer's name, and the trainers' notices.
    """
    require_role(actor, *ADMIN)
    ids = _session_ids(session_ids)
    with transaction():
        leave = _approved_leave(leave_id)
        sub = db.session.get(Trainer, substitute_id) if isinstance(substitute_id, int) else None
        if sub is None or not sub.is_active or sub.id == leave.trainer_id:
            raise CoverError(_("Choose a substitute."), field="substitute_id")
        covers = []
        for session_id in ids:
            cs = _leave_session(leave, session_id)
            hand_over_session(cs.id, sub.id, actor=actor)
            cover = Cover(
                session_id=cs.id,
                leave_id=leave.id,
                absent_trainer_id=leave.trainer_id,
                substitute_id=sub.id,
                created_by_id=actor.id,
            )
            db.session.add(cover)
            db.session.flush()
            audit.record(
                "session.covered",
                cover,
                actor=actor,
                after={"session_id": cs.id, "leave_id": leave.id, "substitute_id": sub.id},
            )
            covers.append(cover)
    return covers


def cancel_for_leave(leave_id: int, session_ids, reason: str, *, actor) -> int:
    """Cancel the leave's classes `session_ids` through `cancel_session`, all
    or none; return how many.

    Raises what `cancel_session` raises (a reason is required) and CoverError
    as `substitute` does. Queues what `cancel_session` queues: refunds and
    the members' cancellation emails.
    """
    require_role(actor, *ADMIN)
    ids = _session_ids(session_ids)
    with transaction():
        leave = _approved_leave(leave_id)
        for session_id in ids:
            cs = _leave_session(leave, session_id)
            cancel_session(cs.id, reason, actor=actor)
    return len(ids)


def send_uncovered_digest() -> int:
    """Periodic (hourly): from 07:00 gym time, email the admins the classes
    starting within 72 hours whose trainer is on approved leave; return how
    many classes were listed.

    Once per gym-local day: the notification's key carries the date, so
    later runs that day write nothing again. Does nothing before 07:00 or
    when nothing needs cover. Queues the `uncovered_sessions` news to each
    active admin.
    """
    now = utc_now()
    local_now = now.astimezone(gym_zone())
    if local_now.time() < DIGEST_FROM:
        return 0
    with transaction():
        sessions = db.session.scalars(uncovered_sessions_query(now, now + DIGEST_WITHIN)).all()
        if not sessions:
            return 0
        admins = db.session.scalars(
            select(User.id).where(
                User.role == Role.ADMIN,
                User.status == UserStatus.ACTIVE,
                User.deleted_at.is_(None),
            )
        ).all()
        listed = [
            {
                "class_name": cs.class_type.name,
                "starts_at": cs.starts_at.isoformat(),
                "trainer": cs.trainer.name,
                "room": cs.room.name,
            }
            for cs in sessions
        ]
        day = local_now.date().isoformat()
        for admin_id in admins:
            signals.tell(
                admin_id,
                "uncovered_sessions",
                link=app_path("staff_admin.leave_inbox"),
                key=f"uncovered-{day}-{admin_id}",
                count=len(listed),
                sessions=listed,
            )
    return len(sessions)


# -- offers: the first free trainer to accept teaches the class ---------------


def offer_session(session_id, *, actor, leave_id: int | None = None, note: str = "") -> CoverOffer:
    """Offer a class to every trainer free then (not on leave, not teaching);
    the first to accept it teaches it.

    An admin offers a class of an approved leave (`leave_id`); a trainer asks
    for a substitute for their own class without leave. Raises NotYours for
    an unknown class (or another trainer's); AccessDenied for anyone else;
    CoverError for a class that started, is cancelled, already offered, not
    the leave's, or that nobody is free to take. Tells each free trainer
    (`cover_offered`, emailed after commit).
    """
    note = (note or "").strip()
    if len(note) > COMMENT_MAX:
        raise CoverError(_("Use at most %(max)d characters.", max=COMMENT_MAX), field="note")
    with transaction():
        cs = db.session.get(
            ClassSession,
            session_id if isinstance(session_id, int) else 0,
            with_for_update=True,
            populate_existing=True,
        )
        ensure(cs is not None)
        if leave_id is not None:
            require_role(actor, *ADMIN)
            leave = _approved_leave(leave_id)
            cs = _leave_session(leave, cs.id)
        elif actor.role is not Role.ADMIN:
            require_role(actor, Role.TRAINER)
            ensure(cs.trainer.user_id == actor.id)
        if cs.is_cancelled or cs.starts_at <= utc_now():
            raise CoverError(_("This class has started or is cancelled."))
        taken = db.session.scalar(
            select(CoverOffer.id).where(
                CoverOffer.session_id == cs.id, CoverOffer.status == OfferStatus.OPEN
            )
        )
        if taken is not None:
            raise CoverError(_("This class is already offered to the free trainers."))
        free = free_trainers_for([cs])[cs.id]
        if not free:
            raise CoverError(_("Nobody else is free then."))
        offer = CoverOffer(
            session_id=cs.id,
            leave_id=leave_id,
            absent_trainer_id=cs.trainer_id,
            note=note,
            created_by_id=actor.id,
        )
        db.session.add(offer)
        db.session.flush()
        audit.record(
            "cover.offered", offer, actor=actor, after={"session_id": cs.id, "to": len(free)}
        )
        for trainer in free:
            signals.tell(
                trainer.user_id,
                "cover_offered",
                link=app_path("staff_trainer.leave"),
                key=f"cover-offer-{offer.id}-{trainer.id}",
                class_name=cs.class_type.name,
                starts_at=cs.starts_at.isoformat(),
                room=cs.room.name,
                absent=cs.trainer.name,
                note=note,
            )
    return offer


def accept_offer(offer_id: int, *, actor) -> Cover:
    """The acting trainer takes an offered class: it becomes theirs, checked
    again against their other classes and leave.

    The offer row is locked: of two trainers accepting at once, one gets the
    class and the other is told it is taken. Raises NotYours for an unknown
    offer; AccessDenied unless `actor` is a trainer with a profile; CoverError
    when the offer was taken, the class was covered, cancelled or started,
    or it is the trainer's own; SchedulingError (naming the other class, or
    the leave) when they are no longer free. Queues what `hand_over_session`
    queues: the members learn the new trainer's name.
    """
    require_role(actor, Role.TRAINER)
    with transaction():
        offer = db.session.get(CoverOffer, offer_id, with_for_update=True, populate_existing=True)
        ensure(offer is not None)
        trainer = db.session.scalar(select(Trainer).where(Trainer.user_id == actor.id))
        if trainer is None:
            raise AccessDenied()
        if offer.status is not OfferStatus.OPEN:
            raise CoverError(_("Another trainer already took this class."))
        cs = offer.session
        if trainer.id == offer.absent_trainer_id:
            raise CoverError(_("This is your own class."))
        if cs.trainer_id != offer.absent_trainer_id or cs.is_cancelled:
            raise CoverError(_("This class no longer needs a substitute."))
        if cs.starts_at <= utc_now():
            raise CoverError(_("This class has started or is cancelled."))
        hand_over_session(cs.id, trainer.id, actor=actor)
        offer.status, offer.taken_by_id, offer.taken_at = OfferStatus.TAKEN, trainer.id, utc_now()
        cover = Cover(
            session_id=cs.id,
            leave_id=offer.leave_id,
            absent_trainer_id=offer.absent_trainer_id,
            substitute_id=trainer.id,
            created_by_id=actor.id,
        )
        db.session.add(cover)
        db.session.flush()
        audit.record(
            "cover.accepted", offer, actor=actor, after={"session_id": cs.id, "by": trainer.id}
        )
    return cover
