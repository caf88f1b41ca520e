"""The member's QR code and class history; a member's attendance for staff.

`attendance_member` (member app): the check-in pass of one booking, its QR
image and the member's own history. These take only the member's own
booking ids (someone else's is a 404, the QR image too). `attendance_profile`
(back office, desk and admins): the same history for any member, with the
card where the desk takes the member's photo (posted to `member_photos`).
"""

from flask import Blueprint, make_response, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.forms import MemberPhotoForm
from app.accounts.models import Role, User
from app.attendance.queries import (
    Attendance,
    checkin_pass,
    member_history,
    member_summary,
    own_booking,
    scannable,
)
from app.attendance.tokens import qr_png
from app.core.models import utc_now
from app.core.permissions import DESK, MEMBERS, ensure, get_or_404, roles_required

bp = Blueprint("attendance_member", __name__, url_prefix="/app")
staff_bp = Blueprint("attendance_profile", __name__, url_prefix="/admin")

PER_PAGE = 20

#: (label, badge colour) of each status in a history
HISTORY_BADGES = {
    Attendance.PRESENT: (_l("Attended"), "success"),
    Attendance.LATE: (_l("Late"), "warning"),
    Attendance.NO_SHOW: (_l("No-show"), "danger"),
    Attendance.MISSED: (_l("No-show"), "danger"),
}


def _attendance_helpers():
    return {
        "history_badges": HISTORY_BADGES,
        "percent": lambda rate: "—" if rate is None else format_percent(rate),
    }


bp.context_processor(_attendance_helpers)
staff_bp.context_processor(_attendance_helpers)


@bp.get("/bookings/<int:booking_id>")
@roles_required(*MEMBERS)
def booking_pass(booking_id: int):
    booking = own_booking(current_user.id, booking_id)
    return render_template(
        "attendance/member_pass.html", card=checkin_pass(booking, utc_now()), member=current_user
    )


@bp.get("/bookings/<int:booking_id>/qr.png")
@roles_required(*MEMBERS)
def booking_qr(booking_id: int):
    booking = own_booking(current_user.id, booking_id)
    ensure(scannable(booking, utc_now()))
    response = make_response(qr_png(booking.id))
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _history_context(member_id: int) -> dict:
    now = utc_now()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return {
        "summary": member_summary(member_id, now),
        "history": member_history(member_id, now, page=page, per_page=PER_PAGE),
    }


@bp.get("/history")
@roles_required(*MEMBERS)
def history():
    return render_template("attendance/member_history.html", **_history_context(current_user.id))


def staff_member(member_id: int) -> User:
    """The member with this id; 404 for staff accounts and deleted people."""
    member = get_or_404(User, member_id)
    ensure(member.role is Role.MEMBER)
    return member


def staff_member_page(member: User, photo_form=None):
    """A member's attendance for staff, with the desk's photo card."""
    return render_template(
        "attendance/staff_member_history.html",
        member=member,
        person=member,
        photo_form=photo_form or MemberPhotoForm(formdata=None),
        photo_action=url_for("member_photos.change", member_id=member.id),
        photo_remove_action=url_for("member_photos.remove", member_id=member.id),
        photo_capture="environment",
        photo_intro=_l("Take the member's photo at the counter: staff compare it at check-in."),
        **_history_context(member.id),
        **_attendance_helpers(),  # also when another blueprint renders the page
    )


@staff_bp.get("/members/<int:member_id>/attendance")
@roles_required(*DESK)
def member_attendance(member_id: int):
    return staff_member_page(staff_member(member_id))
