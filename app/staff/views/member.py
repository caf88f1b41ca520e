"""Members book a 1:1 session from a trainer's free slots (`staff_member`,
/app/trainers).

Trainer, then 1:1 type and day, then a slot: the slot button places a hold
through the booking engine, and the member confirms it on "My bookings"
like any other hold (same credits, tiers and QR). A slot taken meanwhile
brings the member back to the fresh slots with "just taken".

Thin: load (404), check (403), validate, call one service, render.
"""

from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.booking.views.member import new_hold_limit
from app.core.i18n import gym_zone, local_time
from app.core.idempotency.views import idempotent
from app.core.models import utc_now
from app.core.permissions import MEMBERS, ensure, get_or_404, roles_required
from app.staff.forms.availability import SlotForm
from app.staff.queries.availability import (
    bookable_trainers,
    free_slots_for,
    one_to_one_types,
    slot_days,
)
from app.staff.services.availability import book_slot, may_book
from app.trainers.models import Trainer

bp = Blueprint("staff_member", __name__, url_prefix="/app/trainers")


@bp.get("/")
@roles_required(*MEMBERS)
def index():
    """Trainers taking 1:1 bookings."""
    return render_template(
        "staff/slots_trainers.html", trainers=bookable_trainers(), types=one_to_one_types()
    )


def _chosen_type(types):
    """The type in ?type= (404 when it is not an offered 1:1), else the first."""
    wanted = request.args.get("type", type=int)
    if wanted is None:
        return types[0] if types else None
    chosen = next((t for t in types if t.id == wanted), None)
    ensure(chosen is not None)
    return chosen


def _chosen_day(days_with_slots: dict) -> date | None:
    """The day in ?day= when it is one of the days shown, else the first with slots."""
    try:
        wanted = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        wanted = None
    if wanted in days_with_slots:
        return wanted
    return next((day for day, starts in days_with_slots.items() if starts), None)


@bp.get("/<int:trainer_id>")
@roles_required(*MEMBERS)
def trainer(trainer_id: int):
    """One trainer's free 1:1 slots: type, day, then the times of that day.

    A constant number of queries: the trainer, the types, the audience check
    and four for every day's slots at once.
    """
    coach = get_or_404(Trainer, trainer_id)
    ensure(coach.is_active)
    types = one_to_one_types()
    one_type = _chosen_type(types)
    allowed = may_book(coach, current_user.id)
    slots, day = {}, None
    if one_type is not None and allowed:
        now, zone = utc_now(), gym_zone()
        slots = free_slots_for(coach.id, one_type, slot_days(one_type, now, zone), now, zone)
        day = _chosen_day(slots)
    return render_template(
        "staff/slots.html",
        coach=coach,
        types=types,
        one_type=one_type,
        allowed=allowed,
        slots=slots,
        day=day,
        form=SlotForm(formdata=None),
    )


@idempotent("staff.book_slot")
def _book(form: SlotForm, trainer_id: int) -> dict:
    type_id, starts_at = form.slot()
    member = current_user._get_current_object()
    hold = book_slot(trainer_id, type_id, starts_at, member, actor=member)
    return {"hold_id": hold.id, "expires_at": hold.expires_at.isoformat()}


@bp.post("/<int:trainer_id>/book")
@roles_required(*MEMBERS)
@new_hold_limit
def book(trainer_id: int):
    """Hold the picked slot, then confirm it on "My bookings"."""
    coach = get_or_404(Trainer, trainer_id)
    form = SlotForm()
    if not form.validate_on_submit():
        flash(_("The form could not be read. Reload the page and try again."), "danger")
        return redirect(url_for(".trainer", trainer_id=coach.id), code=303)
    result = _book(form, trainer_id=coach.id)
    if "error" in result:
        flash(result["error"], "danger")
        type_id, starts_at = form.slot()
        day = starts_at.astimezone(gym_zone()).date().isoformat()
        return redirect(url_for(".trainer", trainer_id=coach.id, type=type_id, day=day), code=303)
    expires_at = datetime.fromisoformat(result["expires_at"])
    flash(
        _(
            "We're holding a spot for you until %(time)s. Confirm it to book.",
            time=local_time(expires_at),
        ),
        "success",
    )
    return redirect(url_for("booking.my_bookings"), code=303)
