"""Back-office booking tools: a session's roster, booking a member in,
cancelling a booking (with the refund staff choose) and marking a no-show.

Front desk and admins (DESK) use all of them; trainers and members get 403.
Every rule (capacity, eligibility, refunds, strikes, audit) is the booking
engine's: these views load, call one service and show what it said.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.booking.forms import NoShowForm, StaffBookForm, StaffCancelForm
from app.booking.models import Booking
from app.booking.queries.roster import session_roster
from app.booking.services.bookings import book_now, cancel_booking, mark_no_show
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.models import utc_now
from app.core.navigation import safe_next
from app.core.permissions import DESK, get_or_404, roles_required
from app.memberships.ledger import format_credits
from app.memberships.models import CC
from app.scheduling.models import ClassSession
from app.scheduling.views.staff import scheduling_labels

bp = Blueprint("booking_staff", __name__, url_prefix="/admin")
#: the session summary and status badge read the scheduling pages' labels
bp.context_processor(scheduling_labels)


@bp.context_processor
def booking_helpers():
    return {"format_credits": format_credits}


def _render_roster(cs: ClassSession, form: StaffBookForm):
    return render_template(
        "booking/staff/roster.html",
        cs=cs,
        roster=session_roster(cs, utc_now()),
        form=form,
        cancel_form=StaffCancelForm(formdata=None),
        no_show_form=NoShowForm(formdata=None),
    )


def _back_to_roster(booking: Booking, form=None):
    """To the roster, or to the page the form names (the member page's cancel)."""
    back = safe_next(form.next.data) if form is not None else None
    return redirect(back or url_for(".roster", session_id=booking.session_id))


@bp.get("/sessions/<int:session_id>/roster")
@roles_required(*DESK)
def roster(session_id: int):
    return _render_roster(get_or_404(ClassSession, session_id), StaffBookForm(formdata=None))


@bp.post("/sessions/<int:session_id>/bookings")
@roles_required(*DESK)
def book(session_id: int):
    cs = get_or_404(ClassSession, session_id)
    form = StaffBookForm()
    if form.validate_on_submit():
        member = form.member_user
        try:
            book_now(cs.id, member, actor=current_user, overlap_ok=form.overlap_ok())
        except DomainError as exc:  # an overlap's question lands on confirm_overlap
            apply_error(form, exc)
        else:
            flash(_("%(name)s is booked in.", name=member.name), "success")
            return redirect(url_for(".roster", session_id=cs.id))
    return _render_roster(cs, form)


@bp.post("/bookings/<int:booking_id>/cancel")
@roles_required(*DESK)
def cancel(booking_id: int):
    booking = get_or_404(Booking, booking_id)
    form = StaffCancelForm()
    if not form.validate_on_submit():
        flash(_("Choose how to settle the credits."), "danger")
        return _back_to_roster(booking, form)
    try:
        booking = cancel_booking(
            booking.id, booking.member, actor=current_user, refund=form.refund_choice()
        )
    except DomainError as exc:
        flash(str(exc), "danger")
    else:
        flash(_cancelled_message(booking), "success")
    return _back_to_roster(booking, form)


def _cancelled_message(booking: Booking) -> str:
    name = booking.member.name
    if booking.refunded_cc:
        return ngettext(
            "%(name)s's booking is cancelled; %(credits)s credit given back.",
            "%(name)s's booking is cancelled; %(credits)s credits given back.",
            1 if booking.refunded_cc == CC else 2,  # 1.5 credits is plural
            name=name,
            credits=format_credits(booking.refunded_cc),
        )
    if booking.credits_cc:
        return _("%(name)s's booking is cancelled; no credits given back.", name=name)
    return _("%(name)s's booking is cancelled.", name=name)


@bp.post("/bookings/<int:booking_id>/no-show")
@roles_required(*DESK)
def no_show(booking_id: int):
    booking = get_or_404(Booking, booking_id)
    if NoShowForm().validate_on_submit():
        try:
            booking = mark_no_show(booking.id, actor=current_user)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("%(name)s is marked as a no-show.", name=booking.member.name), "success")
    return _back_to_roster(booking)
