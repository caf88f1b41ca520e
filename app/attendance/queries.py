"""Reading attendance for its pages, each in a fixed number of statements:
a class's list and a member's history; the member's pass, which shows its QR
only while the code can still let them in (the PNG route answers 404 for
anything but a confirmed booking of a class still on); the scanner's classes
and its bad-scan limit, counted from the scan log in the database so it holds
across web processes; and the scan log page.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts.models import User
from app.attendance.models import CheckIn, ScanAttempt, ScanResult
from app.attendance.rules import checkin_window
from app.attendance.tokens import short_code
from app.booking.models import Booking, BookingStatus
from app.core.clock import local_day_bounds
from app.core.i18n import gym_today, gym_zone
from app.core.inputs import page_number
from app.core.models import utc_now
from app.core.permissions import STAFF, ensure
from app.extensions import db
from app.scheduling.models import ClassSession, Room, SessionStatus
from app.scheduling.queries import SessionFilters, local_range, sessions_between
from app.trainers.models import Trainer

# --- a class's list, a member's history ---------------------------------------


class Attendance(enum.Enum):
    EXPECTED = "expected"
    PRESENT = "present"
    LATE = "late"
    NO_SHOW = "no_show"
    #: the class is over, but the no-show job has not been past yet
    MISSED = "missed"


@dataclass
class AttendanceRow:
    booking: Booking
    member: User
    check_in: CheckIn | None
    status: Attendance


def _status(booking: Booking, check_in: CheckIn | None, ended: bool) -> Attendance:
    if check_in is not None:
        return Attendance.LATE if check_in.is_late else Attendance.PRESENT
    if booking.status is BookingStatus.NO_SHOW:
        return Attendance.NO_SHOW
    return Attendance.MISSED if ended else Attendance.EXPECTED


def session_attendance(cs: ClassSession, now: datetime) -> list[AttendanceRow]:
    """Everyone booked in (or marked absent from) the class, by name: one query."""
    rows = db.session.execute(
        select(Booking, User, CheckIn)
        .join(User, User.id == Booking.member_id)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .where(
            Booking.session_id == cs.id,
            Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.NO_SHOW]),
        )
        .order_by(func.lower(User.name), Booking.id)
    ).all()
    ended = cs.ends_at <= now
    return [AttendanceRow(b, u, c, _status(b, c, ended)) for b, u, c in rows]


@dataclass
class Summary:
    """Counts of a list or a history, and the rate of classes attended."""

    present: int = 0
    late: int = 0
    no_show: int = 0
    expected: int = 0

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def rate(self) -> float | None:
        """Attended / (attended + no-shows), or None before any finished class."""
        counted = self.attended + self.no_show
        return self.attended / counted if counted else None


def summarise(rows: list[AttendanceRow]) -> Summary:
    summary = Summary()
    for row in rows:
        if row.status is Attendance.PRESENT:
            summary.present += 1
        elif row.status is Attendance.LATE:
            summary.late += 1
        elif row.status in (Attendance.NO_SHOW, Attendance.MISSED):
            summary.no_show += 1
        else:
            summary.expected += 1
    return summary


def _past_bookings(member_id: int, now: datetime):
    """The member's bookings of classes that are over, or marked no-show."""
    return (
        select(Booking)
        .join(Booking.session)
        .where(
            Booking.member_id == member_id,
            ClassSession.status == SessionStatus.PUBLISHED,
            or_(
                Booking.status == BookingStatus.NO_SHOW,
                (Booking.status == BookingStatus.CONFIRMED) & (ClassSession.ends_at <= now),
            ),
        )
    )


def member_summary(member_id: int, now: datetime) -> Summary:
    """Attended, late and no-show counts over every finished class: one query."""
    came = CheckIn.id.is_not(None)
    query = (
        _past_bookings(member_id, now)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .with_only_columns(
            func.count(case((came & ~CheckIn.is_late, 1))),
            func.count(case((came & CheckIn.is_late, 1))),
            func.count(case((~came, 1))),
        )
    )
    present, late, no_show = db.session.execute(query).one()
    return Summary(present=present, late=late, no_show=no_show)


@dataclass
class HistoryPage:
    rows: list[AttendanceRow]
    page: int
    has_next: bool


def member_history(
    member_id: int, now: datetime, *, page: int = 1, per_page: int = 20
) -> HistoryPage:
    """Finished classes, newest first, with what happened: one query."""
    page = page_number(page)
    rows = db.session.execute(
        _past_bookings(member_id, now)
        .add_columns(User, CheckIn)
        .join(User, User.id == Booking.member_id)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .options(contains_eager(Booking.session))
        .order_by(ClassSession.starts_at.desc(), Booking.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    items = [AttendanceRow(b, u, c, _status(b, c, True)) for b, u, c in rows[:per_page]]
    return HistoryPage(items, page, len(rows) > per_page)


def next_booking(member_id: int, now: datetime) -> Booking | None:
    """The member's next class that has not ended (the home screen's card)."""
    return db.session.scalar(
        select(Booking)
        .join(Booking.session)
        .options(contains_eager(Booking.session))
        .where(
            Booking.member_id == member_id,
            Booking.status == BookingStatus.CONFIRMED,
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.ends_at > now,
        )
        .order_by(ClassSession.starts_at)
        .limit(1)
    )


@dataclass
class TodaysClass:
    """A class of the member's today that has not ended, for the desk's check-in button."""

    booking: Booking
    check_in: CheckIn | None
    opens_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.check_in is None and self.opens_at <= now


def todays_classes(member_id: int, now: datetime) -> list[TodaysClass]:
    """The member's confirmed bookings of today's classes still on, with their check-ins."""
    first, last = local_day_bounds(gym_today(), gym_zone())
    rows = db.session.execute(
        select(Booking, CheckIn)
        .join(Booking.session)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .options(contains_eager(Booking.session))
        .where(
            Booking.member_id == member_id,
            Booking.status == BookingStatus.CONFIRMED,
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.starts_at >= first,
            ClassSession.starts_at < last,
            ClassSession.ends_at > now,
        )
        .order_by(ClassSession.starts_at, Booking.id)
    ).all()
    return [TodaysClass(b, c, checkin_window(b.session)[0]) for b, c in rows]


# --- the member's pass --------------------------------------------------------


class PassState(enum.Enum):
    #: the code works from `opens_at` (perhaps already) until the class ends
    VALID = "valid"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    #: the class ended without a check-in; the no-show job has not run yet
    OVER = "over"


@dataclass
class CheckInPass:
    booking: Booking
    state: PassState
    code: str
    opens_at: datetime
    check_in: CheckIn | None
    #: the class has not started: the member may still cancel
    can_cancel: bool

    @property
    def shows_qr(self) -> bool:
        return self.state in (PassState.VALID, PassState.CHECKED_IN)


def own_booking(member_id: int, booking_id: int) -> Booking:
    """The member's booking; raises NotYours (404) for someone else's."""
    booking = db.session.get(Booking, booking_id)
    ensure(booking is not None and booking.member_id == member_id)
    return booking


def scannable(booking: Booking, now: datetime) -> bool:
    """Whether the booking's QR may still be handed out (the PNG route)."""
    cs = booking.session
    return booking.status is BookingStatus.CONFIRMED and not cs.is_cancelled and now < cs.ends_at


def _state(booking: Booking, check_in: CheckIn | None, now: datetime) -> PassState:
    if booking.status is BookingStatus.CANCELLED or booking.session.is_cancelled:
        return PassState.CANCELLED
    if booking.status is BookingStatus.NO_SHOW:
        return PassState.NO_SHOW
    if check_in is not None:
        return PassState.CHECKED_IN
    return PassState.OVER if booking.session.ends_at <= now else PassState.VALID


def checkin_pass(booking: Booking, now: datetime) -> CheckInPass:
    """The pass for one booking: one query (its check-in) beyond the booking."""
    check_in = db.session.scalar(select(CheckIn).where(CheckIn.booking_id == booking.id))
    state = _state(booking, check_in, now)
    opens_at, _closes = checkin_window(booking.session)
    return CheckInPass(
        booking=booking,
        state=state,
        code=short_code(booking.id),
        opens_at=opens_at,
        check_in=check_in,
        can_cancel=state is PassState.VALID and now < booking.session.starts_at,
    )


# --- the scanner --------------------------------------------------------------

#: only codes that are none of ours count: a genuine code held up again and
#: again ("already checked in") is not someone guessing
BAD_RESULTS = (ScanResult.UNKNOWN,)
BAD_SCANS_PER_MINUTE = 15
#: one account may drive several devices; a device cookie is easy to drop
BAD_SCANS_PER_MINUTE_PER_ACCOUNT = 4 * BAD_SCANS_PER_MINUTE


def todays_sessions(user, *, everyone: bool) -> list[ClassSession]:
    """Today's published classes (gym time): all of them, or `user`'s own."""
    filters = SessionFilters(include_cancelled=False)
    if not everyone:
        trainer_id = db.session.scalar(select(Trainer.id).where(Trainer.user_id == user.id))
        if trainer_id is None:
            return []
        filters.trainer_id = trainer_id
    sessions = sessions_between(*local_range(gym_today(), 1), filters)
    return [s for s in sessions if s.status is SessionStatus.PUBLISHED]


def door_rooms() -> list[Room]:
    """The rooms in use, by name, for their door-code displays."""
    return list(db.session.scalars(select(Room).where(Room.is_active).order_by(Room.name)))


def _recent_bad(*conditions) -> int:
    since = utc_now() - timedelta(minutes=1)
    return db.session.scalar(
        select(func.count())
        .select_from(ScanAttempt)
        .where(
            ScanAttempt.scanned_at >= since,
            ScanAttempt.result.in_(BAD_RESULTS),
            *conditions,
        )
    )


def too_many_bad_scans(device: str, scanner_id: int) -> bool:
    """True when this device, or this account, read too many unknown codes
    in the last minute."""
    return (
        _recent_bad(ScanAttempt.device == device[:64]) >= BAD_SCANS_PER_MINUTE
        or _recent_bad(ScanAttempt.scanner_id == scanner_id) >= BAD_SCANS_PER_MINUTE_PER_ACCOUNT
    )


# --- the scan log -------------------------------------------------------------

SCANS_PER_PAGE = 50
#: this many unknown codes from one device in a day reads like guessing
GUESSING_UNKNOWN_CODES = 10
#: results that let the member in; every other result is a failure
OK_RESULTS = tuple(result for result in ScanResult if result.ok)


@dataclass
class ScanSearch:
    day: date
    #: one result, or None for every result
    result: ScanResult | None = None
    #: every result that did not let the member in (`result` is then None)
    failures_only: bool = False
    scanner_id: int | None = None
    device: str | None = None


@dataclass
class DayCounts:
    scans: int
    check_ins: int
    failures: int


def _on_day(day: date) -> list:
    start, end = local_day_bounds(day, gym_zone())
    return [ScanAttempt.scanned_at >= start, ScanAttempt.scanned_at < end]


def _conditions(search: ScanSearch) -> list:
    conditions = _on_day(search.day)
    if search.failures_only:
        conditions.append(ScanAttempt.result.not_in(OK_RESULTS))
    elif search.result is not None:
        conditions.append(ScanAttempt.result == search.result)
    if search.scanner_id:
        conditions.append(ScanAttempt.scanner_id == search.scanner_id)
    if search.device:
        conditions.append(ScanAttempt.device == search.device)
    return conditions


def scans_page(search: ScanSearch, page: int | None):
    """Scans matching `search`, newest first, with the scanner, and the
    booking's member and class when the code named one."""
    query = (
        select(ScanAttempt)
        .options(
            joinedload(ScanAttempt.scanner),
            joinedload(ScanAttempt.booking).joinedload(Booking.member),
            joinedload(ScanAttempt.booking).joinedload(Booking.session),
        )
        .where(*_conditions(search))
        .order_by(ScanAttempt.scanned_at.desc(), ScanAttempt.id.desc())
    )
    return db.paginate(
        query, page=page_number(page), per_page=SCANS_PER_PAGE, error_out=False, count=True
    )


def day_counts(day: date) -> DayCounts:
    """Scans on `day` at every scanner: all of them, check-ins, failures."""
    ok = case((ScanAttempt.result.in_(OK_RESULTS), 1), else_=0)
    scans, check_ins = db.session.execute(
        select(func.count(ScanAttempt.id), func.coalesce(func.sum(ok), 0)).where(*_on_day(day))
    ).one()
    return DayCounts(scans=scans, check_ins=check_ins, failures=scans - check_ins)


def guessing_devices(day: date) -> list[tuple[str, int]]:
    """(device, unknown codes) of the devices that read at least
    GUESSING_UNKNOWN_CODES unknown codes on `day`, most first."""
    unknown = func.count(ScanAttempt.id)
    query = (
        select(ScanAttempt.device, unknown)
        .where(*_on_day(day), ScanAttempt.result == ScanResult.UNKNOWN)
        .group_by(ScanAttempt.device)
        .having(unknown >= GUESSING_UNKNOWN_CODES)
        .order_by(unknown.desc(), ScanAttempt.device)
    )
    return [tuple(row) for row in db.session.execute(query)]


def device_options(day: date) -> list[str]:
    """The devices that scanned anything on `day`."""
    query = select(ScanAttempt.device).where(*_on_day(day)).distinct().order_by(ScanAttempt.device)
    return list(db.session.scalars(query))


def scanner_options() -> list[tuple[int, str]]:
    """(id, name) of the staff who may scan: admins, front desk and trainers."""
    query = (
        select(User.id, User.name)
        .where(User.role.in_(STAFF), User.deleted_at.is_(None))
        .order_by(func.lower(User.name), User.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def short_device(device: str) -> str:
    """A device as people read it: an IP address or a door ("door:GYM", a
    member's own app) whole, a cookie id's first 8 characters."""
    return device if device.startswith(("ip:", "door:")) else device[:8]


# --- many members at once (a trainer's client list) ------------------------------


@dataclass
class VisitStats:
    """A member's recent attendance: finished classes since a day, how many
    they came to, how many they missed, and their last check-in ever."""

    attended: int = 0
    no_shows: int = 0
    last_visit: datetime | None = None

    @property
    def rate(self) -> float | None:
        """Share of finished classes attended, or None with none finished."""
        finished = self.attended + self.no_shows
        return self.attended / finished if finished else None


def visit_stats(member_ids: list[int], now: datetime, since: datetime) -> dict[int, VisitStats]:
    """{member id: VisitStats} over classes that started since `since`, in two
    statements whatever the number of members."""
    if not member_ids:
        return {}
    came = CheckIn.id.is_not(None)
    stats = {member_id: VisitStats() for member_id in member_ids}
    counts = db.session.execute(
        select(Booking.member_id, func.count(case((came, 1))), func.count(case((~came, 1))))
        .join(Booking.session)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .where(
            Booking.member_id.in_(member_ids),
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.starts_at >= since,
            or_(
                Booking.status == BookingStatus.NO_SHOW,
                (Booking.status == BookingStatus.CONFIRMED) & (ClassSession.ends_at <= now),
            ),
        )
        .group_by(Booking.member_id)
    )
    for member_id, attended, missed in counts:
        stats[member_id].attended, stats[member_id].no_shows = attended, missed
    last = db.session.execute(
        select(CheckIn.member_id, func.max(CheckIn.checked_in_at))
        .where(CheckIn.member_id.in_(member_ids))
        .group_by(CheckIn.member_id)
    )
    for member_id, when in last:  # max() keeps the column's type: aware UTC
        stats[member_id].last_visit = when
    return stats


# --- a trainer's dashboard ---------------------------------------------------------


def checked_in_counts(session_ids: list[int]) -> dict[int, int]:
    """{session id: check-ins} in one statement; sessions with none are absent."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(CheckIn.session_id, func.count())
        .where(CheckIn.session_id.in_(session_ids))
        .group_by(CheckIn.session_id)
    )
    return dict(rows.all())


@dataclass
class MissedClass:
    """A booking nobody came to, and how often that member missed lately."""

    booking: Booking
    member: User
    recent_no_shows: int


def _missed(now: datetime):
    """Bookings of finished published classes with no check-in (no-show or not
    yet marked)."""
    return (
        select(Booking)
        .join(Booking.session)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .where(
            CheckIn.id.is_(None),
            ClassSession.status == SessionStatus.PUBLISHED,
            ClassSession.ends_at <= now,
            Booking.status.in_((BookingStatus.NO_SHOW, BookingStatus.CONFIRMED)),
        )
    )


def trainer_no_shows(
    trainer_id: int, now: datetime, *, days: int = 14, count_days: int = 30, limit: int = 50
) -> list[MissedClass]:
    """No-shows in the trainer's classes of the last `days`, newest first, each
    with the member's no-shows in any class of the last `count_days`: two
    statements."""
    rows = db.session.execute(
        _missed(now)
        .add_columns(User)
        .join(User, User.id == Booking.member_id)
        .options(contains_eager(Booking.session))
        .where(
            ClassSession.trainer_id == trainer_id,
            ClassSession.starts_at >= now - timedelta(days=days),
        )
        .order_by(ClassSession.starts_at.desc(), Booking.id)
        .limit(limit)
    ).all()
    member_ids = sorted({member.id for _, member in rows})
    counts = {}
    if member_ids:
        counts = dict(
            db.session.execute(
                _missed(now)
                .with_only_columns(Booking.member_id, func.count())
                .where(
                    Booking.member_id.in_(member_ids),
                    ClassSession.starts_at >= now - timedelta(days=count_days),
                )
                .group_by(Booking.member_id)
            ).all()
        )
    return [MissedClass(booking, member, counts.get(member.id, 0)) for booking, member in rows]
