"""Checking members in: by their QR code or short code, by one tap on the
attendance list, as a walk-in, or by themselves with the door code; undoing
a check-in; the job that marks the bookings nobody came for as no-shows
after the class; and turning a desk browser into a kiosk and back.

Who may check in whom: desk staff and admins any class, a trainer only their
own classes. Every scan, good or bad, is written to the scan log.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import contains_eager

from app.accounts import passwords
from app.attendance import door, rules, tokens
from app.attendance.models import CheckIn, CheckInMethod, ScanAttempt, ScanResult
from app.booking.models import Booking, BookingStatus
from app.booking.services import bookings as booking_services
from app.core import audit
from app.core.clock import local_date, local_day_bounds
from app.core.db import transaction
from app.core.errors import DomainError, NotYours
from app.core.i18n import gym_zone, local_time
from app.core.models import utc_now
from app.core.permissions import DESK, MEMBERS, TRAINERS, require_role
from app.extensions import db
from app.scheduling.models import ClassSession, SessionStatus
from app.settings.services import gym_settings


class CheckInError(DomainError):
    """A check-in was refused; `result` says why for the scan log."""

    def __init__(
        self, result: ScanResult, message: str, booking: Booking | None = None, *, logged=None
    ):
        super().__init__(message)
        self.result = result
        #: shown on the scanner; `logged` is written to the scan log only
        self.booking = booking
        self.logged = logged or booking


@dataclass
class ScanOutcome:
    """What a scanner shows: green with the member, or red with the reason."""

    result: ScanResult
    message: str
    booking: Booking | None = None
    check_in: CheckIn | None = None

    @property
    def ok(self) -> bool:
        return self.result.ok


def attended(booking_id: int) -> bool:
    """Whether the booking has a check-in (a `booking_attended` receiver).

    Reads only: raises nothing, queues nothing.
    """
    return db.session.scalar(select(exists().where(CheckIn.booking_id == booking_id)))


def _time(instant: datetime) -> str:
    return local_time(instant)


def _refuse(result: ScanResult, message: str, booking: Booking | None = None, *, logged=None):
    raise CheckInError(result, message, booking, logged=logged)


def _check_scannable(booking: Booking, actor, session_id: int | None, now: datetime) -> None:
    """Raise CheckInError unless the booking's code works here and now."""
    cs = booking.session
    if not rules.may_check_in(actor, cs):
        _refuse(
            ScanResult.NOT_YOURS,
            _("This is %(trainer)s's class, not yours.", trainer=cs.trainer.name),
            logged=booking,  # not shown: another trainer's member is none of theirs
        )
    if session_id is not None and cs.id != session_id:
        _refuse(
            ScanResult.WRONG_SESSION,
            _(
                "Wrong class: this booking is for %(class_name)s at %(time)s.",
                class_name=cs.class_type.name,
                time=_time(cs.starts_at),
            ),
            booking,
        )
    _check_open(booking, now)


def _check_open(booking: Booking, now: datetime) -> None:
    """Raise CheckInError unless the booking stands and its class is open
    for check-in at `now`: the rules every way of checking in shares."""
    cs = booking.session
    _check_bookable_state(booking, now)
    opens, closes = rules.checkin_window(cs)
    if opens <= now < closes:
        return
    zone = gym_zone()
    if local_date(cs.starts_at, zone) != local_date(now, zone):
        day = format_date(cs.starts_at, "EEE d MMM")
        _refuse(
            ScanResult.NOT_TODAY, _("Not today: this booking is for %(day)s.", day=day), booking
        )
    if now < opens:
        _refuse(
            ScanResult.TOO_EARLY,
            _("Too early: check-in opens at %(time)s.", time=_time(opens)),
            booking,
        )
    _refuse(
        ScanResult.EXPIRED, _("Expired: this class ended at %(time)s.", time=_time(closes)), booking
    )


def _check_bookable_state(booking: Booking, now: datetime) -> None:
    if (
        booking.status is BookingStatus.CANCELLED
        or booking.session.status is SessionStatus.CANCELLED
    ):
        _refuse(ScanResult.CANCELLED, _("Cancelled: this booking no longer stands."), booking)
    if booking.status is BookingStatus.NO_SHOW:
        _refuse(ScanResult.NO_SHOW, _("This booking was marked as a no-show."), booking)
    previous = db.session.scalar(select(CheckIn).where(CheckIn.booking_id == booking.id))
    if previous is not None:
        _refuse(
            ScanResult.ALREADY,
            _("Already checked in at %(time)s.", time=_time(previous.checked_in_at)),
            booking,
        )


def _check_in(booking: Booking, method: CheckInMethod, *, actor, now: datetime) -> CheckIn:
    check_in = CheckIn(
        booking_id=booking.id,
        session_id=booking.session_id,
        member_id=booking.member_id,
        checked_in_at=now,
        is_late=rules.is_late(booking.session, now),
        method=method,
        by_id=actor.id,
    )
    db.session.add(check_in)
    db.session.flush()
    audit.record(
        "booking.checked_in",
        booking,
        actor=actor,
        after={"method": method.value, "late": check_in.is_late},
    )
    return check_in


def _welcome(check_in: CheckIn) -> str:
    name = check_in.booking.member.name
    if check_in.is_late:
        return _("%(name)s is checked in, late.", name=name)
    return _("Welcome, %(name)s!", name=name)


def _log_attempt(
    attempt: ScanAttempt, result: ScanResult, booking: Booking | None, at: datetime
) -> None:
    """Write `attempt` to the scan log with its result, in the caller's
    transaction: the check-in's own when it succeeded, a fresh one after a
    refusal rolled the check-in back."""
    attempt.result = result
    attempt.booking_id = booking.id if booking is not None else None
    attempt.scanned_at = at
    db.session.add(attempt)


def _checked_in(check_in: CheckIn) -> ScanResult:
    return ScanResult.LATE if check_in.is_late else ScanResult.CHECKED_IN


def scan(text: str, *, actor, device: str, session_id: int | None = None) -> ScanOutcome:
    """Check in the booking a scanned or typed code names, if it works here
    and now; record the scan in the scan log either way.

    Never raises for a bad code: a refusal comes back as the outcome. Raises
    AccessDenied unless `actor` is desk staff or a trainer, and Busy when the
    booking's lock wait runs out. Queues nothing.
    """
    require_role(actor, *DESK, *TRAINERS)
    text = "".join(char for char in (text or "") if char.isprintable())  # no NUL in the log
    read = tokens.read(text)
    method = CheckInMethod.QR if read and read[1] else CheckInMethod.CODE
    attempt = ScanAttempt(
        scanner_id=actor.id,
        device=device[:64],
        session_id=session_id,
        method=method,
        text=text.strip()[:40],
    )
    try:
        with transaction():
            if read is None:
                _refuse(ScanResult.UNKNOWN, _("Unknown code: this is not one of our bookings."))
            booking = db.session.get(Booking, read[0], with_for_update=True)
            if booking is None:
                _refuse(ScanResult.UNKNOWN, _("Unknown code: this is not one of our bookings."))
            now = utc_now()
            _check_scannable(booking, actor, session_id, now)
            check_in = _check_in(booking, method, actor=actor, now=now)
            _log_attempt(attempt, _checked_in(check_in), booking, now)
        return ScanOutcome(attempt.result, _welcome(check_in), booking, check_in)
    except CheckInError as exc:
        with transaction():
            _log_attempt(attempt, exc.result, exc.logged, utc_now())
        return ScanOutcome(exc.result, str(exc), exc.booking)


# --- self check-in -------------------------------------------------------------
# The member's own app reads the door code a kiosk or a room's display shows
# (app/attendance/door.py) and checks them in to their booking open now.


class SelfCheckInOff(DomainError):
    """The gym turned self check-in off: members check in at the desk."""


#: which refusal explains best when no booking is open now: the first
#: result of this order among the member's bookings around today
_EXPLAINS_FIRST = (
    ScanResult.ALREADY,
    ScanResult.NO_SHOW,
    ScanResult.TOO_EARLY,
    ScanResult.CANCELLED,
    ScanResult.EXPIRED,
    ScanResult.NOT_TODAY,
)


def _bookings_around(member_id: int, now: datetime) -> list[Booking]:
    """The member's bookings (any status) of classes on the gym's local day
    of `now`, with those whose check-in opens before midnight or that run
    past it, by start."""
    zone = gym_zone()
    first, last = local_day_bounds(local_date(now, zone), zone)
    opens_ahead = timedelta(minutes=gym_settings().checkin_opens_minutes)
    return list(
        db.session.scalars(
            select(Booking)
            .join(Booking.session)
            .options(contains_eager(Booking.session))
            .where(
                Booking.member_id == member_id,
                ClassSession.ends_at > first,
                ClassSession.starts_at < last + opens_ahead,
            )
            .order_by(ClassSession.starts_at, Booking.id)
        )
    )


def _refusal(booking: Booking, now: datetime) -> CheckInError | None:
    """Why the booking cannot be checked in to at `now`, or None if it can."""
    try:
        _check_open(booking, now)
    except CheckInError as exc:
        return exc
    return None


def _wrong_room(booking: Booking) -> None:
    cs = booking.session
    _refuse(
        ScanResult.WRONG_ROOM,
        _(
            "Wrong room: your class %(class_name)s at %(time)s is in %(room)s. "
            "Scan the code on the screen there.",
            class_name=cs.class_type.name,
            time=_time(cs.starts_at),
            room=cs.room.name,
        ),
        booking,
    )


def _door_booking(member_id: int, code: door.DoorCode, now: datetime) -> Booking:
    """The member's booking that the door code checks in to now, locked.

    Of the bookings open for check-in, the earliest (in the code's room when
    it names one). Without any, raises the refusal that tells the member
    most: the staff scanner's (already in, too early, ended...), or that
    they have no booking now.
    """
    bookings = _bookings_around(member_id, now)
    refusals = {booking.id: _refusal(booking, now) for booking in bookings}
    open_now = [booking for booking in bookings if refusals[booking.id] is None]
    if code.room_id is not None and open_now:
        in_room = [booking for booking in open_now if booking.session.room_id == code.room_id]
        if not in_room:
            _wrong_room(open_now[0])
        open_now = in_room
    if open_now:
        booking = db.session.get(
            Booking, open_now[0].id, with_for_update=True, populate_existing=True
        )
        _check_open(booking, now)  # a desk scan may have checked them in meanwhile
        return booking
    explained = sorted(
        (refusal for refusal in refusals.values() if refusal.result in _EXPLAINS_FIRST),
        key=lambda refusal: (
            _EXPLAINS_FIRST.index(refusal.result),
            abs(refusal.booking.session.starts_at - now),
        ),
    )
    if explained:
        raise explained[0]
    _refuse(
        ScanResult.NO_BOOKING,
        _(
            "You have no booking to check in to now. Book a class in the app, "
            "or ask at the front desk."
        ),
    )


def _member_welcome(check_in: CheckIn) -> str:
    name = check_in.booking.member.name.split()[0]
    if check_in.is_late:
        return _("You're checked in, %(name)s, but late: the class has started.", name=name)
    return _("Welcome, %(name)s! You're checked in.", name=name)


def self_check_in(member, text: str, *, now: datetime | None = None) -> ScanOutcome:
    """Check `member` in to their own booking open now, with the door code
    their app read (`text`); record the scan in the scan log either way
    (scanner: the member, device "door:<location>").

    A code older than the window before the current one has expired; one
    shown by a room's display works for that room's classes only. The
    staff scanner's rules apply (too early, already in, ended, cancelled).
    Never raises for a bad code or a refusal: it comes back as the outcome.
    Raises AccessDenied unless `member` is a member, SelfCheckInOff when the
    gym turned self check-in off (nothing is written), and Busy when the
    booking's lock wait runs out. Queues nothing.
    """
    require_role(member, *MEMBERS)
    if not gym_settings().self_checkin_enabled:
        raise SelfCheckInOff(
            _("Self check-in is off at this gym. Please check in at the front desk.")
        )
    text = "".join(char for char in (text or "") if char.isprintable())
    code = door.read(text)
    attempt = ScanAttempt(
        scanner_id=member.id,
        device=f"door:{code.location if code else '?'}",
        method=CheckInMethod.DOOR,
        text=text.strip()[:40],
    )
    try:
        with transaction():
            now = now or utc_now()
            if code is None:
                _refuse(
                    ScanResult.UNKNOWN,
                    _("This is not a door code of this gym. Scan the code on the check-in screen."),
                )
            if not code.is_current(now):
                _refuse(
                    ScanResult.CODE_EXPIRED,
                    _(
                        "This door code has expired. Scan the code on the screen again: "
                        "it changes every 30 seconds."
                    ),
                )
            booking = _door_booking(member.id, code, now)
            check_in = _check_in(booking, CheckInMethod.DOOR, actor=member, now=now)
            attempt.session_id = booking.session_id
            _log_attempt(attempt, _checked_in(check_in), booking, now)
        return ScanOutcome(attempt.result, _member_welcome(check_in), booking, check_in)
    except CheckInError as exc:
        with transaction():
            _log_attempt(attempt, exc.result, exc.logged, now or utc_now())
        return ScanOutcome(exc.result, str(exc), exc.booking)


def _staff_booking(booking_id: int, actor) -> Booking:
    """The booking, locked, if `actor` may check people in to its class."""
    require_role(actor, *DESK, *TRAINERS)
    booking = db.session.get(Booking, booking_id, with_for_update=True)
    if booking is None or not rules.may_check_in(actor, booking.session):
        raise NotYours()
    return booking


def check_in(booking_id: int, *, actor) -> CheckIn:
    """One tap on the attendance list: from the moment check-in opens until
    the no-show job has been past (a trainer may tick people after the class).

    Raises AccessDenied unless `actor` is desk staff or a trainer, NotYours
    for a missing booking or another trainer's class, CheckInError when the
    booking is cancelled, a no-show, already checked in or not yet open, and
    Busy when the lock wait runs out. Queues nothing.
    """
    with transaction():
        booking = _staff_booking(booking_id, actor)
        now = utc_now()
        _check_bookable_state(booking, now)
        opens, _closes = rules.checkin_window(booking.session)
        if now < opens:
            _refuse(
                ScanResult.TOO_EARLY,
                _("Too early: check-in opens at %(time)s.", time=_time(opens)),
                booking,
            )
        return _check_in(booking, CheckInMethod.LIST, actor=actor, now=now)


def undo_check_in(booking_id: int, *, actor) -> Booking:
    """Take a check-in back (tapped by mistake) while the booking stands.

    Raises AccessDenied unless `actor` is desk staff or a trainer, NotYours
    for a missing booking or another trainer's class, CheckInError when there
    is no check-in to undo or the booking no longer stands, and Busy when the
    lock wait runs out. Queues nothing.
    """
    with transaction():
        booking = _staff_booking(booking_id, actor)
        check_in = db.session.scalar(select(CheckIn).where(CheckIn.booking_id == booking.id))
        if check_in is None or booking.status is not BookingStatus.CONFIRMED:
            raise CheckInError(
                ScanResult.UNKNOWN,
                _("%(name)s is not checked in.", name=booking.member.name),
                booking,
            )
        audit.record(
            "booking.check_in_undone",
            booking,
            actor=actor,
            before={"checked_in_at": check_in.checked_in_at.isoformat(), "late": check_in.is_late},
        )
        db.session.delete(check_in)
    return booking


def add_walk_in(session_id: int, member, *, actor) -> CheckIn:
    """Book someone at the door and check them in, in one transaction;
    the booking engine's capacity and credit rules apply.

    Raises NotYours when `actor` is neither desk staff nor the class's
    trainer, BookingError when the booking is refused (full, ended, no
    credits...), CheckInError before check-in opens, and Busy when the lock
    wait runs out; nothing is written then. Queues the booking confirmation
    email ("booking_confirmed", sent by the notifications.deliver_email job)
    after commit.
    """
    with transaction():
        booking = booking_services.book_now(session_id, member, actor=actor, walk_in=True)
        now = utc_now()
        opens, _closes = rules.checkin_window(booking.session)
        if now < opens:
            _refuse(
                ScanResult.TOO_EARLY,
                _("Too early: check-in opens at %(time)s.", time=_time(opens)),
            )
        return _check_in(booking, CheckInMethod.WALK_IN, actor=actor, now=now)


def mark_no_shows(now: datetime | None = None) -> int:
    """After a class ends, every confirmed booking without a check-in is a
    no-show (credits forfeited, a strike). Running it again changes nothing.

    The `attendance.mark_no_shows` job. Each no-show is its own transaction;
    a booking the booking engine refuses (BookingError: checked in or
    cancelled since the read) is skipped. Raises Busy when a lock wait runs
    out. Returns how many were marked; queues nothing.
    """
    now = now or utc_now()
    pending = db.session.scalars(
        select(Booking.id)
        .join(ClassSession, ClassSession.id == Booking.session_id)
        .where(
            Booking.status == BookingStatus.CONFIRMED,
            ClassSession.ends_at <= now,
            ClassSession.status == SessionStatus.PUBLISHED,
            ~exists().where(CheckIn.booking_id == Booking.id),
        )
        .order_by(Booking.id)
    ).all()
    db.session.commit()  # end the read; each no-show is its own transaction
    marked = 0
    for booking_id in pending:
        try:
            booking_services.mark_no_show(booking_id, actor=None)
        except booking_services.BookingError:
            continue  # checked in or cancelled since the read
        marked += 1
    return marked


#: how long the scan log is kept
SCAN_LOG_DAYS = 90


def purge_scan_log(now: datetime | None = None) -> int:
    """Forget scans older than SCAN_LOG_DAYS (check-ins themselves stay).

    Returns how many were deleted. Raises nothing of its own; queues nothing.
    """
    cutoff = (now or utc_now()) - timedelta(days=SCAN_LOG_DAYS)
    with transaction():
        result = db.session.execute(delete(ScanAttempt).where(ScanAttempt.scanned_at < cutoff))
    return result.rowcount


# --- kiosk mode ----------------------------------------------------------------
# A desk browser locked to the scanner until staff sign it out. The flag
# itself lives in the signed session cookie (the views set and clear it);
# these check who may do it and leave a trace in the audit log.


class KioskError(DomainError):
    """Leaving kiosk mode was refused."""


def start_kiosk(*, actor) -> None:
    """Record that `actor` turned this browser into a kiosk (an audit entry).

    Raises AccessDenied unless `actor` is desk staff. Queues nothing.
    """
    require_role(actor, *DESK)
    with transaction():
        audit.record("kiosk.started", actor, actor=actor)


def end_kiosk(password: str, *, actor) -> None:
    """Let the kiosk go when `password` is the signed-in staff account's own
    (an audit entry).

    Raises AccessDenied unless `actor` is desk staff, and KioskError (on the
    password field) for a wrong password. Queues nothing.
    """
    require_role(actor, *DESK)
    if not passwords.check_password(actor.password_hash, password or ""):
        raise KioskError(_("That password is not correct."), field="password")
    with transaction():
        audit.record("kiosk.ended", actor, actor=actor)
