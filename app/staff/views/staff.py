"""Admins keep availability, decide leave, plan cover and run pay
(`staff_admin`, /admin/staff).

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.core.errors import DomainError
from app.core.permissions import ADMIN, get_or_404, roles_required
from app.scheduling import queries as scheduling_queries
from app.staff.forms.leave import CoverCancelForm, DecisionForm, OfferForm, SubstituteForm
from app.staff.models import Leave
from app.staff.queries import leave as leave_queries
from app.staff.services.cover import cancel_for_leave, offer_session, substitute
from app.staff.services.leave import decide_leave

bp = Blueprint("staff_admin", __name__, url_prefix="/admin/staff")


# -- availability and 1:1 slots ----------------------------------------------


# -- leave, approval and cover -----------------------------------------------


@bp.app_template_global()
def pending_leave_count() -> int:
    """Requests waiting for a decision, for the back office's menu: one
    query per request, and only for admins."""
    if "pending_leave_count" not in g:
        g.pending_leave_count = leave_queries.pending_count()
    return g.pending_leave_count


@bp.get("/leave")
@roles_required(*ADMIN)
def leave_inbox():
    """Every leave request, pending first."""
    return render_template(
        "staff/leave_inbox.html",
        requests=leave_queries.inbox_page(request.args.get("page")),
        uncovered=leave_queries.sessions_needing_cover(None),
    )


def _plan_forms(leave: Leave, rows, forms=None) -> dict:
    """The decision form, and the cover plan's bulk forms with their choices."""
    forms = dict(forms or {})
    forms.setdefault("decision", DecisionForm(prefix="decision"))
    forms.setdefault("bulk_sub", SubstituteForm(prefix="bulk"))
    forms.setdefault("bulk_cancel", CoverCancelForm(prefix="bulk"))
    forms.setdefault("offer", OfferForm(prefix="bulk"))
    if "form" in forms:  # the one posted
        form = forms.pop("form")
        forms[
            {SubstituteForm: "bulk_sub", CoverCancelForm: "bulk_cancel"}.get(type(form), "offer")
        ] = form
    open_ids = [(row.session.id, row.session.class_type.name) for row in rows if row.needs_cover]
    forms["bulk_sub"].session_ids.choices = open_ids
    forms["bulk_cancel"].session_ids.choices = open_ids
    forms["offer"].session_ids.choices = open_ids
    others = [
        (trainer_id, name)
        for trainer_id, name in scheduling_queries.trainer_options()
        if trainer_id != leave.trainer_id
    ]
    forms["bulk_sub"].substitute_id.set_options(others)
    return forms


def _leave_page(leave: Leave, forms=None, status: int = 200):
    rows = leave_queries.cover_plan(leave)
    return (
        render_template(
            "staff/leave_detail.html",
            leave=leave,
            description=leave_queries.describe_leave(leave),
            rows=rows,
            forms=_plan_forms(leave, rows, forms),
            matches=leave_queries.matches_specialty,
        ),
        status,
    )


@bp.get("/leave/<int:leave_id>")
@roles_required(*ADMIN)
def leave_detail(leave_id: int):
    """A request with the classes it touches; once approved, its cover plan."""
    return _leave_page(get_or_404(Leave, leave_id))


@bp.post("/leave/<int:leave_id>/decide")
@roles_required(*ADMIN)
def leave_decide(leave_id: int):
    leave = get_or_404(Leave, leave_id)
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        try:
            approve = form.decision.data == "approve"
            decided = decide_leave(leave.id, approve, form.comment.data, actor=current_user)
        except DomainError as exc:
            form.comment.errors = [*form.comment.errors, str(exc)]
        else:
            if not decided:
                flash(_("This request was already decided; nothing changed."), "info")
            elif approve:
                flash(_("Leave approved. Plan the cover of its classes below."), "success")
            else:
                flash(_("Leave rejected. The trainer will get an email."), "success")
            return redirect(url_for(".leave_detail", leave_id=leave.id))
    return _leave_page(leave, {"decision": form}, 422)


def _cover_action(leave_id: int, form, act):
    """Validate a cover form, run `act(session ids)`, and go back to the plan."""
    leave = get_or_404(Leave, leave_id)
    # the choices: the classes still needing cover, and the other trainers
    _plan_forms(leave, leave_queries.cover_plan(leave), {"form": form})
    if form.validate_on_submit():
        try:
            message = act(leave, form)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(message, "success")
            return redirect(url_for(".leave_detail", leave_id=leave.id))
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")
    return redirect(url_for(".leave_detail", leave_id=leave.id))


@bp.post("/leave/<int:leave_id>/substitute")
@roles_required(*ADMIN)
def cover_substitute(leave_id: int):
    """Give classes of the plan to a substitute (one row's form, or the bulk one)."""

    def act(leave, form):
        covers = substitute(
            leave.id, form.session_ids.data, form.substitute_id.data, actor=current_user
        )
        return ngettext(
            "%(trainer)s now teaches %(num)d class. The people booked are told.",
            "%(trainer)s now teaches %(num)d classes. The people booked are told.",
            len(covers),
            trainer=covers[0].substitute.name,
        )

    return _cover_action(leave_id, SubstituteForm(prefix="bulk"), act)


@bp.post("/leave/<int:leave_id>/cancel")
@roles_required(*ADMIN)
def cover_cancel(leave_id: int):
    """Cancel classes of the plan through the timetable's cancel (refunds, emails)."""

    def act(leave, form):
        count = cancel_for_leave(
            leave.id, form.session_ids.data, form.reason.data, actor=current_user
        )
        return ngettext(
            "%(num)d class cancelled. Everyone in it will get an email.",
            "%(num)d classes cancelled. Everyone in them will get an email.",
            count,
        )

    return _cover_action(leave_id, CoverCancelForm(prefix="bulk"), act)


# -- pay ---------------------------------------------------------------------


@bp.post("/leave/<int:leave_id>/offer")
@roles_required(*ADMIN)
def cover_offer(leave_id: int):
    """Offer one class of the plan to every trainer free then."""

    def act(leave, form):
        [session_id] = form.session_ids.data[:1]
        offer_session(session_id, leave_id=leave.id, actor=current_user)
        return _("Offered to the trainers free then; the first to accept teaches it.")

    return _cover_action(leave_id, OfferForm(prefix="bulk"), act)
