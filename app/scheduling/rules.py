"""The rules every new or moved session keeps (people, room, size, times, no
overlaps), the error they raise, how far ahead the timetable reaches, and
when a session takes bookings.

The services build on these; none of them writes.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.core import signals
from app.core.errors import DomainError
from app.core.forms import LAST_YEAR
from app.core.i18n import gym_today, gym_zone, local_time
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType, Room, SessionStatus
from app.settings.services import gym_settings
from app.trainers.models import Trainer


class SchedulingError(DomainError):
    """A scheduling rule said no; the message is shown to the user."""


@dataclass
class Slot:
    """A session to be: when, who, where and how many."""

    starts_at: datetime
    ends_at: datetime
    trainer: Trainer
    room: Room
    capacity: int


def load_parties(class_type_id, trainer_id, room_id, *, lock: bool = True):
    """The active class type, trainer and room by id, locked against double booking.

    The trainer and room rows are locked (FOR NO KEY UPDATE) so two people
    scheduling the same trainer or room wait for each other. Raises
    SchedulingError naming the field that points nowhere usable.
    """
    class_type = db.session.get(ClassType, class_type_id) if class_type_id else None
    if class_type is None or not class_type.is_active:
        raise SchedulingError(_("Choose an active class type."), field="class_type_id")
    lock_options = {"with_for_update": {"key_share": True}, "populate_existing": True}
    trainer = db.session.get(Trainer, trainer_id, **lock_options) if trainer_id else None
    if trainer is None or not trainer.is_active:
        raise SchedulingError(_("Choose an active trainer."), field="trainer_id")
    room = db.session.get(Room, room_id, **lock_options) if room_id else None
    if room is None or not room.is_active:
        raise SchedulingError(_("Choose an active room."), field="room_id")
    return class_type, trainer, room


def check_capacity(capacity: int | None, room: Room) -> None:
    if capacity is None or capacity < 1:
        raise SchedulingError(_("Capacity must be at least 1."), field="capacity")
    if capacity > room.capacity:
        raise SchedulingError(
            ngettext(
                "%(room)s holds at most %(capacity)d person.",
                "%(room)s holds at most %(capacity)d people.",
                room.capacity,
                room=room.name,
                capacity=room.capacity,
            ),
            field="capacity",
        )


#: far-future dates overflow time-zone arithmetic; no gym plans that far
def check_times(starts_at: datetime, ends_at: datetime | None) -> None:
    """Refuse dates past LAST_YEAR and an end that is not after the start."""
    if any(value and value.year > LAST_YEAR for value in (starts_at, ends_at)):
        raise SchedulingError(
            _("Choose a date before %(year)d.", year=LAST_YEAR + 1), field="starts_at"
        )
    if ends_at is not None and ends_at <= starts_at:
        raise SchedulingError(_("The end must be after the start."), field="ends_at")


def check_no_overlap(slots: list[Slot], *, ignore_ids: set[int] = frozenset()) -> None:
    """Refuse any slot whose trainer or room is already in another session then.

    Raises SchedulingError naming the other session.
    """
    if not slots:
        return
    trainer_ids = {slot.trainer.id for slot in slots}
    room_ids = {slot.room.id for slot in slots}
    query = select(ClassSession).where(
        ClassSession.status != SessionStatus.CANCELLED,
        ClassSession.starts_at < max(slot.ends_at for slot in slots),
        ClassSession.ends_at > min(slot.starts_at for slot in slots),
        or_(ClassSession.trainer_id.in_(trainer_ids), ClassSession.room_id.in_(room_ids)),
    )
    others = [s for s in db.session.scalars(query) if s.id not in ignore_ids]
    for slot in slots:
        for other in others:
            if other.starts_at < slot.ends_at and other.ends_at > slot.starts_at:
                _refuse_overlap(slot, other)
    check_trainers_present(slots)


def check_trainers_present(slots: list[Slot]) -> None:
    """Refuse any slot whose trainer is away then (approved leave, as the
    receivers of `signals.trainers_away` answer); one ask for all slots.

    Raises SchedulingError naming the absence.
    """
    start = min(slot.starts_at for slot in slots)
    end = max(slot.ends_at for slot in slots)
    trainer_ids = {slot.trainer.id for slot in slots}
    absences = [
        absence
        for answer in signals.answers(signals.trainers_away, trainer_ids, start=start, end=end)
        for absence in answer
    ]
    for slot in slots:
        for trainer_id, away_from, away_until, description in absences:
            if (
                trainer_id == slot.trainer.id
                and away_from < slot.ends_at
                and away_until > slot.starts_at
            ):
                raise SchedulingError(
                    _(
                        "%(trainer)s is away then: %(absence)s.",
                        trainer=slot.trainer.name,
                        absence=description,
                    ),
                    field="trainer_id",
                )


def _refuse_overlap(slot: Slot, other: ClassSession) -> None:
    when = _(
        "%(day)s, %(start)s–%(end)s",
        day=format_datetime(other.starts_at, "EEE d MMM"),
        start=local_time(other.starts_at),
        end=local_time(other.ends_at),
    )
    if other.trainer_id == slot.trainer.id:
        raise SchedulingError(
            _(
                "%(trainer)s already teaches %(class_name)s on %(when)s.",
                trainer=other.trainer.name,
                class_name=other.class_type.name,
                when=when,
            ),
            field="trainer_id",
        )
    raise SchedulingError(
        _(
            "%(room)s is taken by %(class_name)s on %(when)s.",
            room=other.room.name,
            class_name=other.class_type.name,
            when=when,
        ),
        field="room_id",
    )


def booking_window(cs: ClassSession) -> tuple[datetime, datetime]:
    """When booking this session opens and closes (UTC).

    A 1:1 opens at its type's horizon and closes at its minimum notice.
    """
    class_type = cs.class_type
    if getattr(class_type, "is_one_to_one", False):  # the timetable's rows hold no 1:1s
        return (
            cs.starts_at - timedelta(days=class_type.horizon_days),
            cs.starts_at - timedelta(minutes=class_type.notice_minutes),
        )
    settings = gym_settings()
    opens = cs.class_type.booking_opens_hours
    opens = settings.booking_opens_hours if opens is None else opens
    closes = cs.class_type.booking_closes_minutes
    closes = settings.booking_closes_minutes if closes is None else closes
    return cs.starts_at - timedelta(hours=opens), cs.starts_at - timedelta(minutes=closes)


def horizon_end(today: date | None = None) -> date:
    """The last day the timetable has sessions for: `schedule_weeks_ahead` from today."""
    today = today or gym_today()
    return today + timedelta(weeks=gym_settings().schedule_weeks_ahead)


def latest_schedule_day() -> date:
    """The furthest day staff may put a class on: the horizon plus a year.

    Anything later is a typo (2099 for 2029), refused before anyone is emailed.
    """
    return horizon_end() + timedelta(days=365)


def check_within_schedule(starts_at: datetime, field: str = "starts_at") -> None:
    """Refuse a class starting after `latest_schedule_day()`."""
    from app.core.i18n import local_date as format_day

    latest = latest_schedule_day()
    if starts_at.astimezone(gym_zone()).date() > latest:
        raise SchedulingError(
            _("Choose a date on or before %(date)s.", date=format_day(latest)), field=field
        )
