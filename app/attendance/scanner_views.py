"""The QR scanner for trainers and the front desk, and the desk's kiosk mode.

The scanner pages show the camera (static/js/scanner.js reads QR codes with
jsQR) and a form for the short code. Both post to `/scan`, which answers the
script with the `_scan_result.html` fragment and a browser without
JavaScript with the whole page again.

Each scanner is known by a random `cupo_device` cookie (its IP address
without one); a device or account that reads too many unknown codes in a
minute is refused for a while without the code being looked at.

Kiosk mode is a flag in the session: while it is set, every page but the
scanner's own leads back to the kiosk, and leaving it takes the password of
the staff account signed in.
"""

import re
import secrets
from dataclasses import dataclass

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf import FlaskForm

from app.accounts.models import Role
from app.attendance import queries, rules
from app.attendance.forms import KioskExitForm, ScanForm
from app.attendance.services import end_kiosk, start_kiosk
from app.attendance.services import scan as scan_code
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.permissions import DESK, TRAINERS, ensure, roles_required
from app.extensions import db, limiter
from app.scheduling.models import ClassSession

bp = Blueprint("scanner", __name__)

DEVICE_COOKIE = "cupo_device"
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600
_DEVICE_ID = re.compile(r"^[0-9a-f]{32}$")
KIOSK_EXIT_LIMIT = "5 per minute"
#: what a browser in kiosk mode may still open
KIOSK_OPEN = {"static", "scanner.kiosk", "scanner.scan", "scanner.kiosk_exit", "files.photo"}


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
    cs = db.session.get(ClassSession, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    ensure(cs is not None and rules.may_check_in(current_user, cs))
    return cs


def _render(scanner: Scanner, form: ScanForm, bound, *, outcome=None, error=None, code=None):
    form.session_id.data = str(bound.id) if bound else ""
    everyone = scanner.everyone or current_user.role in DESK
    return render_template(
        "attendance/scanner.html",
        layout=scanner.layout,
        endpoint=scanner.endpoint,
        sessions=[] if bound else queries.todays_sessions(current_user, everyone=everyone),
        bound=bound,
        form=form,
        outcome=outcome,
        error=error,
        code=code,
    )


def _page(scanner: Scanner):
    bound = _session_to_bind(request.args.get("session"))
    return _remember_device(_render(scanner, ScanForm(formdata=None), bound))


@bp.get("/trainer/scan")
@roles_required(*TRAINERS)
def trainer_scanner():
    return _page(SCANNERS["trainer"])


@bp.get("/admin/scan")
@roles_required(*DESK)
def desk_scanner():
    return _page(SCANNERS["desk"])


def _posted_session(form: ScanForm) -> ClassSession | None:
    """The class the scanner is bound to; a field error if it is not the user's."""
    raw = form.session_id.data
    if not raw or form.session_id.errors:
        return None
    cs = db.session.get(ClassSession, int(raw))
    if cs is None or not rules.may_check_in(current_user, cs):
        form.session_id.errors = [_("Choose a class again.")]
        return None
    return cs


@bp.post("/scan")
@roles_required(*DESK, *TRAINERS)
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
        outcome = scan_code(
            form.code.data, actor=actor, device=device, session_id=bound.id if bound else None
        )
    if request.headers.get("HX-Request"):
        html = render_template(
            "attendance/_scan_result.html", outcome=outcome, error=error, code=code
        )
        return html, status
    form.code.data = ""
    form.code.errors = []
    html = _render(_scanner_for_post(), form, bound, outcome=outcome, error=error, code=code)
    return _remember_device(html, status)


# --- kiosk -------------------------------------------------------------------


@bp.before_app_request
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


@bp.get("/desk/kiosk")
@roles_required(*DESK)
def kiosk():
    """The kiosk's scanner; before kiosk mode is on, the page that starts it.

    Starting is a POST so that no link or prefetch can lock a browser.
    """
    if not _in_kiosk():
        return render_template("attendance/kiosk_start.html", form=FlaskForm())
    return _page(SCANNERS["kiosk"])


@bp.post("/desk/kiosk/start")
@roles_required(*DESK)
def kiosk_start():
    if FlaskForm().validate_on_submit():
        start_kiosk(actor=current_user._get_current_object())
        session["kiosk"] = True
    return redirect(url_for(".kiosk"), code=303)


@bp.route("/desk/kiosk/exit", methods=["GET", "POST"])
@limiter.limit(KIOSK_EXIT_LIMIT, methods=["POST"])
@roles_required(*DESK)
def kiosk_exit():
    in_kiosk = _in_kiosk()
    form = KioskExitForm()
    if in_kiosk and form.validate_on_submit():
        try:
            end_kiosk(form.password.data, actor=current_user._get_current_object())
        except DomainError as exc:
            apply_error(form, exc)
        else:
            session.pop("kiosk", None)
            return redirect(url_for("admin.dashboard"), code=303)
    elif not in_kiosk and request.method == "POST":
        return redirect(url_for("admin.dashboard"), code=303)
    return render_template("attendance/kiosk_exit.html", form=form, in_kiosk=in_kiosk)
