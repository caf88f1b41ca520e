"""The member's booking buttons and the "My bookings" page (`/app/...`).

Every action is a small POST form (CSRF, idempotency key, the page to go
back to) that calls one engine service through `@idempotent`, flashes what
happened and redirects back (POST-redirect-GET), so it works without
JavaScript. Another member's hold, booking or waitlist place is a 404.
"""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.booking.forms import BookingActionForm
from app.booking.models import Booking, Hold, WaitlistEntry
from app.booking.policy import CancelTerms, cancel_terms
from app.booking.queries.member import my_bookings as my_bookings_query
from app.booking.queries.member import position_of
from app.booking.rules import OVERLAP_FIELD
from app.booking.services import waitlist
from app.booking.services.bookings import (
    book_now,
    cancel_with_terms,
    confirm_hold,
    place_hold,
    release_hold,
)
from app.core.headers import offline_ready
from app.core.i18n import local_time
from app.core.idempotency.views import idempotent
from app.core.inputs import page_arg
from app.core.limits import write_limit
from app.core.models import utc_now
from app.core.navigation import safe_next
from app.core.permissions import MEMBERS, ensure, roles_required
from app.extensions import db, limiter
from app.memberships.ledger import format_credits
from app.scheduling.models import ClassSession

bp = Blueprint("booking", __name__, url_prefix="/app")

#: new holds (a one-tap booking is a hold confirmed at once) per member
NEW_HOLDS_LIMIT = "5 per minute"


def _member_key() -> str:
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return get_remote_address()


new_hold_limit = limiter.shared_limit(
    NEW_HOLDS_LIMIT, scope="booking-new-holds", key_func=_member_key, methods=["POST"]
)


def _member():
    return current_user._get_current_object()


def _own(model, object_id: int):
    """The signed-in member's row, or 404 (someone else's looks missing)."""
    obj = db.session.get(model, object_id)
    ensure(obj is not None and obj.member_id == current_user.id)
    return obj


def _back(form: BookingActionForm, default: str):
    return redirect(safe_next(form.next.data) or default, code=303)


def _done(result: dict | None) -> dict | None:
    """The result of an action, or None after a refusal (flashed)."""
    if result is not None and "error" in result:
        flash(result["error"], "danger")
        return None
    return result


def _read(form: BookingActionForm) -> bool:
    if form.validate_on_submit():
        return True
    flash(_("The form could not be read. Reload the page and try again."), "danger")
    return False


def _until(instant) -> str:
    return local_time(instant)


def _overlap_params(form: BookingActionForm) -> dict:
    return {"overlap_ok": form.overlap_ok()}


def _ask_overlap(form: BookingActionForm, result: dict, session_id: int, endpoint: str, label):
    """The overlap question as its own step: "Book anyway" resubmits with the flag."""
    return render_template(
        "booking/member/overlap.html",
        question=result["error"],
        cs=db.session.get(ClassSession, session_id),
        action=url_for(endpoint, session_id=session_id),
        label=label,
        back=safe_next(form.next.data) or url_for("booking.my_bookings"),
    )


def _asks_overlap(result: dict | None) -> bool:
    return result is not None and result.get("field") == OVERLAP_FIELD


@idempotent("booking.book", params=_overlap_params)
def _book(form, session_id: int) -> dict:
    member = _member()
    booking = book_now(session_id, member, actor=member, overlap_ok=form.overlap_ok())
    return {"booking_id": booking.id}


@bp.post("/sessions/<int:session_id>/book")
@roles_required(*MEMBERS)
@new_hold_limit
def book(session_id: int):
    """One tap: hold and confirm in one request (a class that overlaps
    another of the member's asks first)."""
    form = BookingActionForm()
    if _read(form):
        result = _book(form, session_id=session_id)
        if _asks_overlap(result):
            return _ask_overlap(form, result, session_id, "booking.book", _("Book anyway"))
        if _done(result):
            flash(_("You're in. See you there!"), "success")
    return _back(form, url_for("booking.my_bookings"))


@idempotent("booking.hold", params=_overlap_params)
def _hold(form, session_id: int) -> dict:
    member = _member()
    held = place_hold(session_id, member, actor=member, overlap_ok=form.overlap_ok())
    return {"hold_id": held.id}


@bp.post("/sessions/<int:session_id>/hold")
@roles_required(*MEMBERS)
@new_hold_limit
def hold(session_id: int):
    form = BookingActionForm()
    result = _hold(form, session_id=session_id) if _read(form) else None
    if _asks_overlap(result):
        return _ask_overlap(form, result, session_id, "booking.hold", _("Hold anyway"))
    if result := _done(result):
        placed = db.session.get(Hold, result["hold_id"])
        flash(
            _(
                "We're holding a spot for you until %(time)s. Confirm it to book.",
                time=_until(placed.expires_at),
            ),
            "success",
        )
    return _back(form, url_for("booking.my_bookings"))


@idempotent("booking.confirm")
def _confirm(form, hold_id: int) -> dict:
    member = _member()
    return {"booking_id": confirm_hold(hold_id, member, actor=member).id}


@bp.post("/holds/<int:hold_id>/confirm")
@roles_required(*MEMBERS)
def confirm(hold_id: int):
    _own(Hold, hold_id)
    form = BookingActionForm()
    if _read(form) and _done(_confirm(form, hold_id=hold_id)):
        flash(_("You're in. See you there!"), "success")
    return _back(form, url_for("booking.my_bookings"))


@idempotent("booking.release")
def _release(form, hold_id: int) -> dict:
    member = _member()
    release_hold(hold_id, member, actor=member)
    return {"hold_id": hold_id}


@bp.post("/holds/<int:hold_id>/release")
@roles_required(*MEMBERS)
def release(hold_id: int):
    _own(Hold, hold_id)
    form = BookingActionForm()
    if _read(form) and _done(_release(form, hold_id=hold_id)):
        flash(_("You gave the spot back."), "success")
    return _back(form, url_for("booking.my_bookings"))


@idempotent("booking.cancel")
def _cancel(form, booking_id: int) -> dict:
    member = _member()
    cancelled, terms = cancel_with_terms(booking_id, member, actor=member)
    return {"booking_id": cancelled.id, "terms": terms.as_result()}


def _cancelled(result: dict) -> None:
    """Say what the cancellation did, from the terms the engine applied."""
    flash(_("Your booking is cancelled."), "success")
    if "terms" in result:  # a result stored before the terms were kept has none
        terms = CancelTerms.from_result(result["terms"])
        flash(terms.outcome(), "warning" if terms.costs_something else "info")


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@roles_required(*MEMBERS)
def cancel(booking_id: int):
    """GET tells the exact consequence; POST cancels under those terms."""
    booking = _own(Booking, booking_id)
    form = BookingActionForm()
    if request.method == "POST":
        if _read(form) and (result := _done(_cancel(form, booking_id=booking_id))):
            _cancelled(result)
        return _back(form, url_for("booking.my_bookings"))
    now = utc_now()
    problem = None
    if not booking.is_active:
        problem = _("This booking is already cancelled.")
    elif booking.session.starts_at <= now:
        problem = _("This class has already started.")
    form.next.data = safe_next(request.args.get("next")) or url_for("booking.my_bookings")
    return render_template(
        "booking/member/cancel.html",
        booking=booking,
        cs=booking.session,
        form=form,
        problem=problem,
        terms=None if problem else cancel_terms(booking, now),
    )


@idempotent("waitlist.join")
def _join(form, session_id: int) -> dict:
    member = _member()
    entry = waitlist.join_waitlist(session_id, member, actor=member)
    return {"entry_id": entry.id, "position": position_of(entry)}


@bp.post("/sessions/<int:session_id>/waitlist")
@roles_required(*MEMBERS)
@write_limit("WAITLIST_LIMIT")
def join_waitlist(session_id: int):
    form = BookingActionForm()
    if _read(form) and (result := _done(_join(form, session_id=session_id))):
        flash(_("You're on the waitlist: number %(num)d.", num=result["position"]), "success")
    return _back(form, url_for("booking.my_bookings"))


@idempotent("waitlist.leave")
def _leave(form, entry_id: int) -> dict:
    member = _member()
    waitlist.leave_waitlist(entry_id, member, actor=member)
    return {"entry_id": entry_id}


@bp.post("/waitlist/<int:entry_id>/leave")
@roles_required(*MEMBERS)
def leave_waitlist(entry_id: int):
    _own(WaitlistEntry, entry_id)
    form = BookingActionForm()
    if _read(form) and _done(_leave(form, entry_id=entry_id)):
        flash(_("You left the waitlist."), "success")
    return _back(form, url_for("booking.my_bookings"))


@bp.get("/bookings")
@offline_ready
@roles_required(*MEMBERS)
def my_bookings():
    page = page_arg()
    now = utc_now()
    return render_template(
        "booking/member/my_bookings.html",
        mine=my_bookings_query(current_user.id, now, page=max(page or 1, 1)),
        now=now,
        format_credits=format_credits,
    )
