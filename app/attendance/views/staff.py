"""The back office's and the desk's attendance pages (`/admin`, `/desk`).

- `attendance_profile`: a member's attendance for staff, with the card where
  the desk takes the member's photo (posted to `member_photos`).
- `scanner`: the QR scanner for the desk and for trainers, and the desk's
  kiosk mode. The pages show the camera (static/js/scanner.js reads QR codes
  with jsQR) and a form for the short code. Both post to `/scan`, which
  answers the script with the `_scan_result.html` fragment and a browser
  without JavaScript with the whole page again. Each scanner is known by a
  random `cupo_device` cookie (its IP address without one); a device or
  account that reads too many unknown codes in a minute is refused for a
  while without the code being looked at. Kiosk mode is a flag in the
  session: while it is set, every page but the scanner's own leads back to
  the kiosk, and leaving it takes the password of the staff account signed in.
- `attendance`: a class's attendance list. A trainer opens it from the
  trainer portal for their own classes (another trainer's class is a 404),
  the desk from the back office for any class. Checking someone in, or
  undoing it, is one tap; with HTMX the tapped row comes back alone and the
  counts follow out of band. Every rule (who may, when, late or not) is the
  attendance service's.
- `scan_log`: every code read at a scanner on one local day. The desk runs
  the door, so front desk and admins read it; nobody edits it. Filters
  arrive in the query string: a bad value is shown as a field error and left
  out of the search, never a 500.

The scanner and the list are each one page for two audiences, the layout
chosen per audience: their blueprints and the pages' code are here, and
`trainer.py` adds the trainer's URLs (`/trainer/...`) to them.
"""

import re
import secrets
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf import FlaskForm

from app.accounts.forms import MemberPhotoForm
from app.accounts.models import Role, User
from app.accounts.queries import member_or_404
from app.attendance import door, queries, rules, services
from app.attendance.forms import (
    FAILURES,
    RESULT_LABELS,
    KioskExitForm,
    ScanForm,
    ScanLogFilterForm,
    TapForm,
    WalkInForm,
)
from app.attendance.models import ScanResult
from app.attendance.views.member import history_context, history_helpers
from app.booking.models import Booking
from app.booking.queries import occupancy
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import page_arg, parse_id
from app.core.limits import write_limit
from app.core.models import utc_now
from app.core.permissions import DESK, STAFF, TRAINERS, ensure, get_or_404, roles_required
from app.extensions import db, limiter
from app.scheduling.models import ClassSession, Room, SessionStatus
from app.settings.services import gym_settings
from app.trainers.views.staff import photo_url

profile_bp = Blueprint("attendance_profile", __name__, url_prefix="/admin")
scanner_bp = Blueprint("scanner", __name__)
lists_bp = Blueprint("attendance", __name__)
scan_log_bp = Blueprint("scan_log", __name__)


# --- a member's attendance ----------------------------------------------------

profile_bp.context_processor(history_helpers)


def staff_member_page(member: User, photo_form=None):
    """A member's attendance for staff, with the desk's photo card."""
    return render_template(
        "attendance/staff/member_history.html",
        member=member,
        person=member,
        photo_form=photo_form or MemberPhotoForm(formdata=None),
        photo_action=url_for("member_photos.change", member_id=member.id),
        photo_remove_action=url_for("member_photos.remove", member_id=member.id),
        photo_capture="environment",
        photo_intro=_l("Take the member's photo at the counter: staff compare it at check-in."),
        **history_context(member.id),
        **history_helpers(),  # also when another blueprint renders the page
    )


@profile_bp.get("/members/<int:member_id>/attendance")
@roles_required(*DESK)
def member_attendance(member_id: int):
    return staff_member_page(member_or_404(member_id))


# --- the scanner --------------------------------------------------------------

DEVICE_COOKIE = "cupo_device"
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600
_DEVICE_ID = re.compile(r"^[0-9a-f]{32}$")
KIOSK_EXIT_LIMIT = "5 per minute"
#: what a browser in kiosk mode may still open
KIOSK_OPEN = {
    "static",
    "scanner.kiosk",
    "scanner.scan",
    "scanner.kiosk_exit",
    "files.photo",
    "scanner.door_qr",
}


@dataclass
class Scanner:
    """Where a scanner page lives: its layout, its URL and the classes it serves."""

    layout: str
    endpoint: str
    #: every class today, or only the signed-in trainer's own
    everyone: bool


SCANNERS = {
    "trainer": Scanner("layouts/trainer.html", "scanner.trainer_scanner", everyone=False),
    "desk": Scanner("layouts/admin.html", "scanner.desk_scanner", everyone=True),
    "kiosk": Scanner("layouts/kiosk.html", "scanner.kiosk", everyone=True),
}


def _in_kiosk() -> bool:
    return bool(session.get("kiosk")) and current_user.role in DESK


def _scanner_for_post() -> Scanner:
    """The page a code typed without JavaScript came from."""
    if _in_kiosk():
        return SCANNERS["kiosk"]
    return SCANNERS["trainer" if current_user.role is Role.TRAINER else "desk"]


def _device_id() -> str | None:
    value = request.cookies.get(DEVICE_COOKIE, "")
    return value if _DEVICE_ID.match(value) else None


def _device() -> str:
    """This scanner's name in the scan log: its cookie, else its IP address."""
    return _device_id() or f"ip:{get_remote_address()}"


def _remember_device(html: str, status: int = 200):
    """The page as a response that gives this browser a device cookie if it has none."""
    response = make_response(html, status)
    if _device_id() is None:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_hex(16),
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def _session_to_bind(raw: str | None) -> ClassSession | None:
    """The class in ?session=, if the signed-in user may check people in to it.

    Aborts 404 for an unreadable id, a missing class or someone else's.
    """
    if raw is None:
        return None
    session_id = parse_id(raw)
    cs = db.session.get(ClassSession, session_id) if session_id is not None else None
    ensure(cs is not None and rules.may_check_in(current_user, cs))
    return cs


def _render(scanner: Scanner, form: ScanForm, bound, *, outcome=None, error=None, code=None):
    form.session_id.data = bound.id if bound else None
    everyone = scanner.everyone or current_user.role in DESK
    return render_template(
        "attendance/staff/scanner.html",
        layout=scanner.layout,
        endpoint=scanner.endpoint,
        sessions=[] if bound else queries.todays_sessions(current_user, everyone=everyone),
        bound=bound,
        form=form,
        outcome=outcome,
        error=error,
        code=code,
    )


def scanner_page(scanner: Scanner):
    bound = _session_to_bind(request.args.get("session"))
    return _remember_device(_render(scanner, ScanForm(formdata=None), bound))


@scanner_bp.get("/admin/scan")
@roles_required(*DESK)
def desk_scanner():
    return scanner_page(SCANNERS["desk"])


def _posted_session(form: ScanForm) -> ClassSession | None:
    """The class the scanner is bound to; a field error if it is not the user's."""
    session_id = form.session_id.data
    if session_id is None or form.session_id.errors:
        return None
    cs = db.session.get(ClassSession, session_id)
    if cs is None or not rules.may_check_in(current_user, cs):
        form.session_id.errors = [_("Choose a class again.")]
        return None
    return cs


@scanner_bp.post("/scan")
@roles_required(*DESK, *TRAINERS)
@write_limit("SCAN_LIMIT")  # looser than the default: a door at rush hour; bad codes have their own
def scan():
    """Check in the code read or typed; the answer is a green or red card."""
    form = ScanForm()
    valid = form.validate_on_submit()
    bound = _posted_session(form)
    device = _device()
    outcome = error = code = None
    status = 200
    if not valid or form.session_id.errors:
        errors = [*form.code.errors, *form.session_id.errors, _("Try that code again.")]
        error, code, status = errors[0], "invalid", 400
    elif queries.too_many_bad_scans(device, current_user.id):
        error = _("Too many unknown codes from this scanner. Wait a minute, then try again.")
        code, status = "rate_limited", 429
    else:
        actor = current_user._get_current_object()
        outcome = services.scan(
            form.code.data, actor=actor, device=device, session_id=bound.id if bound else None
        )
    if request.headers.get("HX-Request"):
        html = render_template(
            "attendance/staff/_scan_result.html", outcome=outcome, error=error, code=code
        )
        return html, status
    form.code.data = ""
    form.code.errors = []
    html = _render(_scanner_for_post(), form, bound, outcome=outcome, error=error, code=code)
    return _remember_device(html, status)


# --- kiosk mode --------------------------------------------------------------


@scanner_bp.before_app_request
def keep_kiosk():
    """In kiosk mode, every other page (signing out included) leads back to it."""
    if not session.get("kiosk") or request.endpoint in KIOSK_OPEN:
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.role not in DESK:  # the account lost its desk role meanwhile
        session.pop("kiosk", None)
        return None
    return redirect(url_for("scanner.kiosk"), code=303)


@scanner_bp.get("/desk/kiosk")
@roles_required(*DESK)
def kiosk():
    """The kiosk's scanner; before kiosk mode is on, the page that starts it.

    Starting is a POST so that no link or prefetch can lock a browser.
    """
    if not _in_kiosk():
        rooms = queries.door_rooms() if gym_settings().self_checkin_enabled else []
        return render_template("attendance/staff/kiosk_start.html", form=FlaskForm(), rooms=rooms)
    return scanner_page(SCANNERS["kiosk"])


@scanner_bp.post("/desk/kiosk/start")
@roles_required(*DESK)
def kiosk_start():
    if FlaskForm().validate_on_submit():
        services.start_kiosk(actor=current_user._get_current_object())
        session["kiosk"] = True
    return redirect(url_for(".kiosk"), code=303)


@scanner_bp.route("/desk/kiosk/exit", methods=["GET", "POST"])
@limiter.limit(KIOSK_EXIT_LIMIT, methods=["POST"])
@roles_required(*DESK)
def kiosk_exit():
    in_kiosk = _in_kiosk()
    form = KioskExitForm()
    if in_kiosk and form.validate_on_submit():
        try:
            services.end_kiosk(form.password.data, actor=current_user._get_current_object())
        except DomainError as exc:
            apply_error(form, exc)
        else:
            session.pop("kiosk", None)
            return redirect(url_for("admin.dashboard"), code=303)
    elif not in_kiosk and request.method == "POST":
        return redirect(url_for("admin.dashboard"), code=303)
    return render_template("attendance/staff/kiosk_exit.html", form=form, in_kiosk=in_kiosk)


# --- the door code for self check-in --------------------------------------------
# The kiosk shows the gym's door code beside its scanner, and a room's display
# (a tablet by the studio door) shows that room's: members scan it with the
# app (attendance_member.check_in). The PNG is made for the current 30-second
# window; static/js/door_code.js fetches the next one when the window turns,
# told when by the X-Door-Code-Refresh header (seconds).


def _door_png(location: str):
    """The door code's QR now, never stored; 404 while self check-in is off."""
    ensure(gym_settings().self_checkin_enabled)
    now = utc_now()
    response = make_response(door.qr_png(location, now))
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Door-Code-Refresh"] = f"{door.seconds_left(now):.1f}"
    return response


@scanner_bp.get("/desk/door.png")
@roles_required(*DESK)
def door_qr():
    return _door_png(door.GYM)


@scanner_bp.get("/desk/rooms/<int:room_id>/door.png")
@roles_required(*DESK)
def room_door_qr(room_id: int):
    room = get_or_404(Room, room_id)
    return _door_png(door.room_location(room.id))


@scanner_bp.get("/desk/rooms/<int:room_id>/door")
@roles_required(*DESK)
def room_door(room_id: int):
    """A room's display: its door code, large, for a tablet by the studio door."""
    room = get_or_404(Room, room_id)
    return render_template(
        "attendance/staff/room_door.html", room=room, enabled=gym_settings().self_checkin_enabled
    )


# --- a class's attendance list -----------------------------------------------

#: per audience: its layout, its list page and who may open it
LAYOUTS = {"trainer": "layouts/trainer.html", "staff": "layouts/admin.html"}
LISTS = {"trainer": "attendance.trainer_list", "staff": "attendance.staff_list"}
WALK_INS = {"trainer": "attendance.trainer_walk_in", "staff": "attendance.staff_walk_in"}
AUDIENCE_ROLES = {"trainer": TRAINERS, "staff": DESK}


@lists_bp.context_processor
def attendance_helpers():
    return {"photo_url": photo_url}


def class_or_404(session_id: int) -> ClassSession:
    """The class, if the signed-in user may check people in to it; else 404."""
    cs = get_or_404(ClassSession, session_id)
    ensure(rules.may_check_in(current_user, cs))
    return cs


def attendance_list(audience: str, cs: ClassSession, form: WalkInForm):
    now = utc_now()
    rows = queries.session_attendance(cs, now)
    return render_template(
        "attendance/staff/list.html",
        layout=LAYOUTS[audience],
        audience=audience,
        cs=cs,
        rows=rows,
        summary=queries.summarise(rows),
        opens_at=rules.checkin_window(cs)[0],
        now=now,
        takes_walk_ins=cs.status is SessionStatus.PUBLISHED and cs.ends_at > now,
        is_full=occupancy.taken(cs.id, now) >= cs.capacity,
        form=form,
        walk_in_url=url_for(WALK_INS[audience], session_id=cs.id),
    )


@lists_bp.get("/admin/sessions/<int:session_id>/attendance")
@roles_required(*DESK)
def staff_list(session_id: int):
    return attendance_list("staff", class_or_404(session_id), WalkInForm(formdata=None))


def walk_in(audience: str, session_id: int):
    cs = class_or_404(session_id)
    form = WalkInForm()
    if form.validate_on_submit():
        member = form.member_user
        try:
            services.add_walk_in(cs.id, member, actor=current_user)
        except DomainError as exc:
            form.member.errors = [*form.member.errors, str(exc)]
        else:
            flash(_("%(name)s is booked and checked in.", name=member.name), "success")
            return redirect(url_for(LISTS[audience], session_id=cs.id))
    return attendance_list(audience, cs, form)


@lists_bp.post("/admin/sessions/<int:session_id>/walk-in")
@roles_required(*DESK)
def staff_walk_in(session_id: int):
    return walk_in("staff", session_id)


def _audience(asked: str | None) -> str:
    """The list the form came from, if the user may open it; else their own."""
    if asked in AUDIENCE_ROLES and current_user.role in AUDIENCE_ROLES[asked]:
        return asked
    return "staff" if current_user.role in DESK else "trainer"


def _tap(booking_id: int, act):
    """Run `act` (check in or undo, returning what to tell the user) on one
    booking; answer with its row (HTMX) or a redirect to the list. Someone
    else's booking, or none, is a 404 and nothing changes."""
    booking = get_or_404(Booking, booking_id)
    ensure(rules.may_check_in(current_user, booking.session))
    form = TapForm()
    if not form.validate_on_submit():
        abort(400)
    error = message = None
    try:
        message = act(booking_id)
    except DomainError as exc:
        error = str(exc)
    audience = _audience(form.audience.data)
    if request.headers.get("HX-Request"):
        return _row_fragment(booking, audience, error=error, message=message)
    flash(error or message, "danger" if error else "success")
    return redirect(url_for(LISTS[audience], session_id=booking.session_id))


def _row_fragment(booking: Booking, audience: str, *, error: str | None, message: str | None):
    rows = queries.session_attendance(booking.session, utc_now())
    row = next((r for r in rows if r.booking.id == booking.id), None)
    return render_template(
        "attendance/staff/_list_tapped.html",
        # a cancelled booking is off the list: its row says so, without a button
        row=row or queries.AttendanceRow(booking, booking.member, None, None),
        summary=queries.summarise(rows),
        audience=audience,
        error=error,
        message=message,
    )


def _checked_in(booking_id: int) -> str:
    check_in = services.check_in(booking_id, actor=current_user)
    name = check_in.booking.member.name
    if check_in.is_late:
        return _("%(name)s is checked in, late.", name=name)
    return _("%(name)s is checked in.", name=name)


def _undone(booking_id: int) -> str:
    booking = services.undo_check_in(booking_id, actor=current_user)
    return _("%(name)s's check-in is undone.", name=booking.member.name)


@lists_bp.post("/attendance/bookings/<int:booking_id>/check-in")
@roles_required(*STAFF)
def check_in(booking_id: int):
    return _tap(booking_id, _checked_in)


@lists_bp.post("/attendance/bookings/<int:booking_id>/undo")
@roles_required(*STAFF)
def undo(booking_id: int):
    return _tap(booking_id, _undone)


# --- the scan log -------------------------------------------------------------


def _search(filters: ScanLogFilterForm) -> queries.ScanSearch:
    """The valid filters; a field with an error counts as blank, the day as today."""
    result = filters.valid("result")
    return queries.ScanSearch(
        day=filters.valid("day") or gym_today(),
        result=ScanResult(result) if result and result != FAILURES else None,
        failures_only=result == FAILURES,
        scanner_id=filters.valid("scanner"),
        device=filters.valid("device"),
    )


@scan_log_bp.context_processor
def labels():
    return {"result_labels": RESULT_LABELS, "short_device": queries.short_device}


@scan_log_bp.get("/admin/scans")
@roles_required(*DESK)
def index():
    filters = ScanLogFilterForm(request.args)
    filters.day.validate(filters)  # the device menu offers the devices of that day
    day = filters.valid("day") or gym_today()
    filters.scanner.set_options(queries.scanner_options())
    filters.device.choices = [("", _l("All devices"))] + [
        (device, queries.short_device(device)) for device in queries.device_options(day)
    ]
    filters.validate()
    if not filters.day.errors:
        filters.day.data = day
    search = _search(filters)
    return render_template(
        "attendance/staff/scan_log.html",
        filters=filters,
        search=search,
        scans=queries.scans_page(search, page_arg()),
        counts=queries.day_counts(search.day),
        guessing=queries.guessing_devices(search.day),
        guessing_threshold=queries.GUESSING_UNKNOWN_CODES,
    )
