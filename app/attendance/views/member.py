"""The member's check-in pass, its QR image, their class history and self
check-in (`/app`).

The pass pages take only the member's own booking ids: someone else's is a
404, the QR image too. The history's helpers serve the staff view of the
same history as well.

Self check-in (`/app/check-in`): the page shows the camera, and
static/js/self_checkin.js reads the door code a kiosk or a room's display
shows (with the vendored jsQR, as the staff scanner does) and posts it
here; the script gets the green or red card alone (`HX-Request`), a browser
without it the whole page. The attendance service decides; when the gym has
turned self check-in off, the page says to check in at the desk.
"""

from flask import Blueprint, make_response, render_template, request
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.attendance import services
from app.attendance.forms import DoorCodeForm
from app.attendance.queries import (
    Attendance,
    checkin_pass,
    member_history,
    member_summary,
    own_booking,
    scannable,
)
from app.attendance.tokens import qr_png
from app.core.db import Busy
from app.core.headers import offline_ready
from app.core.inputs import page_arg
from app.core.limits import write_limit
from app.core.models import utc_now
from app.core.permissions import MEMBERS, ensure, roles_required
from app.settings.services import gym_settings

bp = Blueprint("attendance_member", __name__, url_prefix="/app")

PER_PAGE = 20

#: (label, badge colour) of each status in a history
HISTORY_BADGES = {
    Attendance.PRESENT: (_l("Attended"), "success"),
    Attendance.LATE: (_l("Late"), "warning"),
    Attendance.NO_SHOW: (_l("No-show"), "danger"),
    Attendance.MISSED: (_l("No-show"), "danger"),
}


def history_helpers() -> dict:
    """What a history template needs besides its rows: badges and a percent."""
    return {
        "history_badges": HISTORY_BADGES,
        "percent": lambda rate: "—" if rate is None else format_percent(rate),
    }


bp.context_processor(history_helpers)


def history_context(member_id: int) -> dict:
    """The member's summary and the history page asked for in ?page=."""
    now = utc_now()
    page = page_arg()
    return {
        "summary": member_summary(member_id, now),
        "history": member_history(member_id, now, page=page, per_page=PER_PAGE),
    }


@bp.get("/bookings/<int:booking_id>")
@offline_ready
@roles_required(*MEMBERS)
def booking_pass(booking_id: int):
    booking = own_booking(current_user.id, booking_id)
    return render_template(
        "attendance/member/pass.html", card=checkin_pass(booking, utc_now()), member=current_user
    )


@bp.get("/bookings/<int:booking_id>/qr.png")
@offline_ready
@roles_required(*MEMBERS)
def booking_qr(booking_id: int):
    booking = own_booking(current_user.id, booking_id)
    ensure(scannable(booking, utc_now()))
    response = make_response(qr_png(booking.id))
    response.headers["Content-Type"] = "image/png"
    return response  # private, no-cache: the member app keeps it for the door (offline_ready)


@bp.get("/history")
@roles_required(*MEMBERS)
def history():
    return render_template("attendance/member/history.html", **history_context(current_user.id))


@bp.route("/check-in", methods=["GET", "POST"])
@roles_required(*MEMBERS)
@write_limit("SELF_CHECKIN_LIMIT")
def check_in():
    """The camera page; a POST checks in with the door code the camera read."""
    form = DoorCodeForm()
    outcome = error = code = None
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            error = next(iter(form.code.errors), None) or _("Scan the code on the screen again.")
            code, status = "invalid", 400
        else:
            try:
                outcome = services.self_check_in(current_user._get_current_object(), form.code.data)
            except services.SelfCheckInOff as exc:
                error, code, status = str(exc), "off", 409
            except Busy as exc:  # a lock wait ran out: nothing written, scan again
                error, code, status = str(exc), "busy", 503
        if request.headers.get("HX-Request"):
            html = render_template(
                "attendance/member/_door_result.html", outcome=outcome, error=error, code=code
            )
            return html, status
    form.code.data = ""
    html = render_template(
        "attendance/member/check_in.html",
        form=form,
        enabled=gym_settings().self_checkin_enabled,
        outcome=outcome,
        error=error,
        code=code,
    )
    return html, status
