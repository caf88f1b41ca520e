"""A class's attendance list, for its trainer and for staff.

One page, two audiences: a trainer opens it from the trainer portal for
their own classes (another trainer's class is a 404), the desk from the back
office for any class. Checking someone in, or undoing it, is one tap; with
HTMX the tapped row comes back alone and the counts follow out of band.
Every rule (who may, when, late or not) is the attendance service's.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.attendance import rules, services
from app.attendance.forms import TapForm, WalkInForm
from app.attendance.queries import AttendanceRow, session_attendance, summarise
from app.booking.models import Booking
from app.booking.queries import occupancy
from app.core.errors import DomainError
from app.core.models import utc_now
from app.core.permissions import DESK, STAFF, TRAINERS, ensure, get_or_404, roles_required
from app.scheduling.models import ClassSession, SessionStatus
from app.trainers.views import photo_url

bp = Blueprint("attendance", __name__)

#: per audience: its layout, its list page and who may open it
LAYOUTS = {"trainer": "layouts/trainer.html", "staff": "layouts/admin.html"}
LISTS = {"trainer": "attendance.trainer_list", "staff": "attendance.staff_list"}
WALK_INS = {"trainer": "attendance.trainer_walk_in", "staff": "attendance.staff_walk_in"}
AUDIENCE_ROLES = {"trainer": TRAINERS, "staff": DESK}


@bp.context_processor
def attendance_helpers():
    return {"photo_url": photo_url}


def _class_or_404(session_id: int) -> ClassSession:
    """The class, if the signed-in user may check people in to it; else 404."""
    cs = get_or_404(ClassSession, session_id)
    ensure(services.may_check_in(current_user, cs))
    return cs


def _render_list(audience: str, cs: ClassSession, form: WalkInForm):
    now = utc_now()
    rows = session_attendance(cs, now)
    return render_template(
        "attendance/list.html",
        layout=LAYOUTS[audience],
        audience=audience,
        cs=cs,
        rows=rows,
        summary=summarise(rows),
        opens_at=rules.checkin_window(cs)[0],
        now=now,
        takes_walk_ins=cs.status is SessionStatus.PUBLISHED and cs.ends_at > now,
        is_full=occupancy.taken(cs.id, now) >= cs.capacity,
        form=form,
        walk_in_url=url_for(WALK_INS[audience], session_id=cs.id),
    )


@bp.get("/trainer/sessions/<int:session_id>/attendance")
@roles_required(*TRAINERS)
def trainer_list(session_id: int):
    return _render_list("trainer", _class_or_404(session_id), WalkInForm(formdata=None))


@bp.get("/admin/sessions/<int:session_id>/attendance")
@roles_required(*DESK)
def staff_list(session_id: int):
    return _render_list("staff", _class_or_404(session_id), WalkInForm(formdata=None))


def _walk_in(audience: str, session_id: int):
    cs = _class_or_404(session_id)
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
    return _render_list(audience, cs, form)


@bp.post("/trainer/sessions/<int:session_id>/walk-in")
@roles_required(*TRAINERS)
def trainer_walk_in(session_id: int):
    return _walk_in("trainer", session_id)


@bp.post("/admin/sessions/<int:session_id>/walk-in")
@roles_required(*DESK)
def staff_walk_in(session_id: int):
    return _walk_in("staff", session_id)


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
    ensure(services.may_check_in(current_user, booking.session))
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
    rows = session_attendance(booking.session, utc_now())
    row = next((r for r in rows if r.booking.id == booking.id), None)
    return render_template(
        "attendance/_list_tapped.html",
        # a cancelled booking is off the list: its row says so, without a button
        row=row or AttendanceRow(booking, booking.member, None, None),
        summary=summarise(rows),
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


@bp.post("/attendance/bookings/<int:booking_id>/check-in")
@roles_required(*STAFF)
def check_in(booking_id: int):
    return _tap(booking_id, _checked_in)


@bp.post("/attendance/bookings/<int:booking_id>/undo")
@roles_required(*STAFF)
def undo(booking_id: int):
    return _tap(booking_id, _undone)
