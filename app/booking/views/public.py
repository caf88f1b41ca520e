"""The "Can't make it?" page of reminder and change emails (no sign-in).

The signed link names one booking. GET only shows what cancelling now
would cost, with one button: mail scanners open links, and nothing may
change when they do. POST (CSRF-protected) cancels under the same terms.
An altered link, a used one (the booking is cancelled) and a late one (the
class has started) each get a page that says so.
"""

from contextlib import nullcontext

from flask import Blueprint, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from app.booking.forms import LinkCancelForm
from app.booking.links import read_cancel_token
from app.booking.models import BookingStatus
from app.booking.policy import cancel_terms
from app.booking.rules import BookingError
from app.booking.services.reminders import booking_for_link, cancel_from_link
from app.core.i18n import LANGUAGE_COOKIE, language_of
from app.core.models import utc_now

bp = Blueprint("booking_link", __name__)


def _language(booking):
    """The member's language, unless the reader chose one on this browser."""
    if request.cookies.get(LANGUAGE_COOKIE):
        return nullcontext()
    return force_locale(language_of(booking.member))


def _page(booking, status: int = 200, **values):
    values.setdefault("form", LinkCancelForm())
    values = dict(values, booking=booking, cs=booking.session if booking else None)
    return render_template("booking/public/cant_make_it.html", **values), status


def _problem(booking) -> str | None:
    """Why this link can no longer cancel, or None."""
    if booking.status is BookingStatus.CANCELLED:
        if booking.cancel_note == "class cancelled":
            return _("This class was cancelled. Your credits are back in your balance.")
        return _("This booking is already cancelled.")
    if booking.status is not BookingStatus.CONFIRMED or booking.session.starts_at <= utc_now():
        return _("This class has already started.")
    return None


@bp.route("/bookings/cancel/<token>", methods=["GET", "POST"])
def cant_make_it(token: str):
    """GET: the class and the exact cost of cancelling; POST: cancel."""
    booking_id = read_cancel_token(token)
    booking = booking_for_link(booking_id) if booking_id is not None else None
    if booking is None:
        return _page(None, 404, invalid=True)
    with _language(booking):
        form = LinkCancelForm()
        if request.method == "POST" and form.validate_on_submit():
            try:
                _cancelled, terms = cancel_from_link(booking.id)
            except BookingError as exc:
                return _page(booking, problem=str(exc))
            return _page(booking, done=True, outcome=terms.outcome(), terms=terms)
        problem = _problem(booking)
        if problem:
            return _page(booking, problem=problem)
        status = 400 if request.method == "POST" else 200  # a stale form: shown again
        return _page(booking, status, terms=cancel_terms(booking, utc_now()), form=form)
