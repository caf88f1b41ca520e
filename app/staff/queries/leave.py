"""Reads about trainers' leave: requests, the admins' inbox, the classes a
leave touches, who could cover them, and what still needs cover.

Every function runs a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app.booking.models import Booking, BookingStatus
from app.core.i18n import local_date, local_time
from app.core.inputs import page_number
from app.core.models import utc_now
from app.extensions import db
from app.scheduling.models import ClassSession, SessionStatus
from app.staff.models import (
    Cover,
    CoverOffer,
    Leave,
    LeaveStatus,
    OfferStatus,
    free_trainers_for,
    uncovered_sessions_query,
)
from app.trainers.models import Trainer

PER_PAGE = 25
#: requests that block another: a trainer cannot be away twice at once
LIVE = (LeaveStatus.PENDING, LeaveStatus.APPROVED)


def approved_leave_between(trainer_id: int, start: datetime, end: datetime) -> list[Leave]:
    """The trainer's approved leave that overlaps [start, end), earliest first."""
    return list(
        db.session.scalars(
            select(Leave)
            .where(
                Leave.trainer_id == trainer_id,
                Leave.status == LeaveStatus.APPROVED,
                Leave.starts_at < end,
                Leave.ends_at > start,
            )
            .order_by(Leave.starts_at)
        )
    )


def describe_leave(leave: Leave) -> str:
    """ "Vacation, 21 Dec 2026 – 23 Dec 2026" (or one day with its times), in
    the current language."""
    if leave.start_time is not None:
        if leave.first_day == leave.last_day:
            days = _(
                "%(day)s, %(start)s–%(end)s",
                day=local_date(leave.first_day),
                start=local_time(leave.start_time),
                end=local_time(leave.end_time),
            )
        else:
            days = _(
                "%(first)s %(start)s – %(last)s %(end)s",
                first=local_date(leave.first_day),
                start=local_time(leave.start_time),
                last=local_date(leave.last_day),
                end=local_time(leave.end_time),
            )
    elif leave.first_day == leave.last_day:
        days = local_date(leave.first_day)
    else:
        days = _(
            "%(first)s – %(last)s",
            first=local_date(leave.first_day),
            last=local_date(leave.last_day),
        )
    return _("%(kind)s, %(days)s", kind=leave.kind_label, days=days)


def away_between(trainer_ids, *, start: datetime, end: datetime) -> list[tuple]:
    """Receiver of `signals.trainers_away`: the approved leave of these
    trainers overlapping [start, end), as (trainer id, from, until, description)."""
    if not trainer_ids:
        return []
    leaves = db.session.scalars(
        select(Leave).where(
            Leave.trainer_id.in_(set(trainer_ids)),
            Leave.status == LeaveStatus.APPROVED,
            Leave.starts_at < end,
            Leave.ends_at > start,
        )
    )
    return [
        (leave.trainer_id, leave.starts_at, leave.ends_at, describe_leave(leave))
        for leave in leaves
    ]


def trainer_of_user(user_id: int) -> Trainer | None:
    return db.session.scalar(select(Trainer).where(Trainer.user_id == user_id))


def leave_page(trainer_id: int, page):
    """A trainer's own requests, the latest first."""
    query = (
        select(Leave)
        .where(Leave.trainer_id == trainer_id)
        .order_by(Leave.first_day.desc(), Leave.id.desc())
    )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def pending_leave_of(trainer_id: int) -> list[Leave]:
    """The trainer's requests still waiting for a decision, earliest first (one query)."""
    return list(
        db.session.scalars(
            select(Leave)
            .where(Leave.trainer_id == trainer_id, Leave.status == LeaveStatus.PENDING)
            .order_by(Leave.starts_at, Leave.id)
        )
    )


def inbox_page(page):
    """Every request for the admins: pending first (earliest leave first), then
    decided ones, latest first."""
    pending_first = case((Leave.status == LeaveStatus.PENDING, 0), else_=1)
    query = select(Leave).order_by(
        pending_first,
        case((Leave.status == LeaveStatus.PENDING, Leave.starts_at), else_=None),
        Leave.requested_at.desc(),
        Leave.id.desc(),
    )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def pending_count() -> int:
    return db.session.scalar(
        select(func.count(Leave.id)).where(Leave.status == LeaveStatus.PENDING)
    )


def sessions_during(trainer_id: int, start: datetime, end: datetime) -> list[ClassSession]:
    """The trainer's classes (not cancelled) overlapping [start, end): what a
    leave request would touch (one query)."""
    return list(
        db.session.scalars(
            select(ClassSession)
            .where(
                ClassSession.trainer_id == trainer_id,
                ClassSession.status != SessionStatus.CANCELLED,
                ClassSession.starts_at < end,
                ClassSession.ends_at > start,
            )
            .order_by(ClassSession.starts_at, ClassSession.id)
        )
    )


@dataclass
class CoverRow:
    """One class a leave touches, for the cover plan."""

    session: ClassSession
    bookings: list = field(default_factory=list)
    cover: Cover | None = None
    #: an open offer to the free trainers
    offer: CoverOffer | None = None
    #: trainers free then and not away, matching specialties first
    candidates: list = field(default_factory=list)

    @property
    def needs_cover(self) -> bool:
        return self.cover is None and not self.session.is_cancelled

    @property
    def is_past(self) -> bool:
        return self.session.starts_at <= utc_now()


def cover_plan(leave: Leave) -> list[CoverRow]:
    """Each class the leave touches (the trainer's own, and those covered for
    it), with its confirmed bookings, its cover and the substitutes who could
    take it. Six queries, whatever the number of classes."""
    covered_ids = select(Cover.session_id).where(Cover.leave_id == leave.id)
    sessions = list(
        db.session.scalars(
            select(ClassSession)
            .where(
                or_(ClassSession.trainer_id == leave.trainer_id, ClassSession.id.in_(covered_ids)),
                ClassSession.starts_at < leave.ends_at,
                ClassSession.ends_at > leave.starts_at,
            )
            .order_by(ClassSession.starts_at, ClassSession.id)
        )
    )
    rows = {cs.id: CoverRow(cs) for cs in sessions}
    if not rows:
        return []
    bookings = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.member))
        .where(Booking.session_id.in_(rows), Booking.status == BookingStatus.CONFIRMED)
        .order_by(Booking.id)
    )
    for booking in bookings:
        rows[booking.session_id].bookings.append(booking)
    covers = db.session.scalars(select(Cover).where(Cover.session_id.in_(rows)).order_by(Cover.id))
    for cover in covers:
        rows[cover.session_id].cover = cover
    offers = db.session.scalars(
        select(CoverOffer).where(
            CoverOffer.session_id.in_(rows), CoverOffer.status == OfferStatus.OPEN
        )
    )
    for offer in offers:
        rows[offer.session_id].offer = offer
    open_rows = [row.session for row in rows.values() if row.needs_cover and not row.is_past]
    candidates = substitute_candidates(open_rows)
    for session_id, trainers in candidates.items():
        rows[session_id].candidates = trainers
    return list(rows.values())


def substitute_candidates(sessions: list[ClassSession]) -> dict[int, list[Trainer]]:
    """For each session, the trainers free then and not on leave, matching
    specialties first (three queries; see `free_trainers_for`)."""
    return free_trainers_for(sessions)


def matches_specialty(trainer: Trainer, cs: ClassSession) -> bool:
    return bool(set(cs.class_type.tags or ()) & set(trainer.specialties or ()))


def offers_for(trainer_id: int, within: timedelta | None = None) -> list[CoverOffer]:
    """Open offers of upcoming classes this trainer is free to take (not their
    own, still needing cover), earliest first. Four queries."""
    now = utc_now()
    query = (
        select(CoverOffer)
        .join(CoverOffer.session)
        .options(contains_eager(CoverOffer.session), joinedload(CoverOffer.absent_trainer))
        .where(
            CoverOffer.status == OfferStatus.OPEN,
            CoverOffer.absent_trainer_id != trainer_id,
            ClassSession.trainer_id == CoverOffer.absent_trainer_id,
            ClassSession.status != SessionStatus.CANCELLED,
            ClassSession.starts_at > now,
        )
        .order_by(ClassSession.starts_at, CoverOffer.id)
    )
    if within is not None:
        query = query.where(ClassSession.starts_at < now + within)
    offers = list(db.session.scalars(query))
    free = free_trainers_for([offer.session for offer in offers])
    return [
        offer
        for offer in offers
        if any(trainer.id == trainer_id for trainer in free.get(offer.session_id, ()))
    ]


def sessions_needing_cover(
    trainer_id: int | None = None,
    within: timedelta = timedelta(hours=72),
    *,
    include_offers: bool = True,
) -> list[ClassSession]:
    """Classes starting within `within` that need a substitute.

    For admins (no trainer): every class whose trainer is on approved leave
    then (one query). For a trainer: their own such classes, then (unless
    `include_offers` is off) the classes offered to them that they are free
    to take (five queries).
    """
    now = utc_now()
    sessions = list(db.session.scalars(uncovered_sessions_query(now, now + within, trainer_id)))
    if trainer_id is not None and include_offers:
        sessions += [offer.session for offer in offers_for(trainer_id, within)]
    return sessions


def leave_email_extras(sender, context: dict):
    """Receiver of `signals.email_extras` for the leave emails: the stored
    ISO days and instants as dates and datetimes, for the templates."""
    more = {}
    for name in ("first_day", "last_day"):
        if context.get(name):
            more[name] = date.fromisoformat(context[name])
    if context.get("sessions"):
        more["sessions"] = [
            dict(item, starts_at=datetime.fromisoformat(item["starts_at"]))
            for item in context["sessions"]
        ]
    return more, []
