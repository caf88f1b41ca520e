"""The tickets queue (`support_staff`, /admin/tickets), admins and front desk:
a list filtered by status and assignee, each ticket with replies and
internal notes, its assignee and status (each change audited by the service)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.forms import apply_error
from app.core.inputs import arg_id, page_arg, parse_id
from app.core.permissions import DESK, get_or_404, roles_required
from app.support import queries, services
from app.support.forms import AssignForm, ResolveForm, StaffReplyForm, StatusForm, status_choices
from app.support.models import SupportTicket, TicketReply, TicketStatus
from app.support.views import report_incident_page, send_photo

bp = Blueprint("support_staff", __name__, url_prefix="/admin/tickets")
incidents_bp = Blueprint("support_incidents", __name__, url_prefix="/admin/incidents")
LAYOUT = "layouts/admin.html"


def _status_arg() -> TicketStatus | None:
    try:
        return TicketStatus(request.args.get("status", ""))
    except ValueError:
        return None


@bp.get("/", endpoint="index")
@roles_required(*DESK)
def index():
    status = _status_arg()
    unassigned = request.args.get("assignee") == "none"
    assignee_id = None if unassigned else arg_id("assignee")
    pagination = queries.staff_tickets(
        status=status, assignee_id=assignee_id, unassigned=unassigned, page=page_arg()
    )
    return render_template(
        "support/staff/index.html",
        pagination=pagination,
        status=status,
        assignee_id=assignee_id,
        unassigned=unassigned,
        statuses=status_choices(),
        assignees=queries.assignees(),
        counts=queries.open_ticket_counts(),
    )


def _assign_form(ticket):
    form = AssignForm(assignee=str(ticket.assignee_id or ""))
    form.assignee.choices = [("", _("Nobody"))] + [
        (str(user.id), user.name) for user in queries.assignees()
    ]
    return form


def _page(ticket, reply_form=None, status_form=None, assign_form=None, code=200):
    return render_template(
        "support/staff/ticket.html",
        ticket=ticket,
        replies=queries.replies(ticket.id, with_internal=True),
        reply_form=reply_form or StaffReplyForm(formdata=None),
        status_form=status_form or StatusForm(formdata=None, status=ticket.status.value),
        assign_form=assign_form or _assign_form(ticket),
    ), code


@bp.get("/<int:ticket_id>", endpoint="ticket")
@roles_required(*DESK)
def ticket(ticket_id: int):
    return _page(get_or_404(SupportTicket, ticket_id))


def _done(ticket_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("support_staff.ticket", ticket_id=ticket_id), code=303)


@bp.post("/<int:ticket_id>/reply", endpoint="reply")
@roles_required(*DESK)
def reply(ticket_id: int):
    ticket = get_or_404(SupportTicket, ticket_id)
    form = StaffReplyForm()
    if form.validate_on_submit():
        try:
            services.staff_reply(
                ticket.id,
                current_user._get_current_object(),
                message=form.message.data,
                internal=form.internal.data,
            )
        except services.SupportError as exc:
            apply_error(form, exc)
        else:
            return _done(
                ticket.id,
                _("Note saved.") if form.internal.data else _("Reply sent to the member."),
            )
    return _page(ticket, reply_form=form, code=422)


@bp.post("/<int:ticket_id>/status", endpoint="status")
@roles_required(*DESK)
def status(ticket_id: int):
    ticket = get_or_404(SupportTicket, ticket_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.set_status(ticket.id, current_user._get_current_object(), form.status.data)
        except services.SupportError as exc:
            apply_error(form, exc)
        else:
            return _done(ticket.id, _("Status changed."))
    return _page(ticket, status_form=form, code=422)


@bp.post("/<int:ticket_id>/assign", endpoint="assign")
@roles_required(*DESK)
def assign(ticket_id: int):
    ticket = get_or_404(SupportTicket, ticket_id)
    form = _assign_form(ticket)
    form.process(request.form)
    if form.validate_on_submit():
        raw = form.assignee.data or ""
        assignee_id = parse_id(raw) if raw else None
        try:
            if raw and assignee_id is None:
                raise services.SupportError(_("Choose a staff member."), field="assignee")
            services.assign(ticket.id, current_user._get_current_object(), assignee_id)
        except services.SupportError as exc:
            apply_error(form, exc)
        else:
            return _done(ticket.id, _("Assignee changed."))
    return _page(ticket, assign_form=form, code=422)


@bp.get("/photos/<int:reply_id>", endpoint="photo")
@roles_required(*DESK)
def photo(reply_id: int):
    reply = get_or_404(TicketReply, reply_id)
    if not reply.photo_path:
        abort(404)
    return send_photo(reply)


@incidents_bp.get("/", endpoint="incidents")
@roles_required(*DESK)
def incidents():
    pagination = queries.incidents(current_user, page=page_arg())
    return render_template(
        "support/incidents.html", pagination=pagination, layout=LAYOUT, ep="support_incidents"
    )


@incidents_bp.route("/new", methods=["GET", "POST"], endpoint="new_incident")
@roles_required(*DESK)
def new_incident():
    return report_incident_page("support_incidents", LAYOUT)


def _incident_page(incident, resolve_form=None, assign_form=None, code=200):
    if assign_form is None:
        assign_form = AssignForm(formdata=None, assignee=str(incident.assignee_id or ""))
    assign_form.assignee.choices = [("", _("Nobody"))] + [
        (str(user.id), user.name) for user in queries.assignees()
    ]
    return render_template(
        "support/incident.html",
        incident=incident,
        layout=LAYOUT,
        ep="support_incidents",
        resolve_form=resolve_form or ResolveForm(formdata=None),
        assign_form=assign_form,
    ), code


@incidents_bp.get("/<int:incident_id>", endpoint="incident")
@roles_required(*DESK)
def incident(incident_id: int):
    return _incident_page(services.visible_incident(incident_id, current_user))


@incidents_bp.post("/<int:incident_id>/resolve", endpoint="resolve")
@roles_required(*DESK)
def resolve(incident_id: int):
    incident = services.visible_incident(incident_id, current_user)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            services.resolve_incident(
                incident.id, current_user._get_current_object(), resolution=form.resolution.data
            )
        except services.SupportError as exc:
            apply_error(form, exc)
        else:
            flash(_("Incident resolved."), "success")
            return redirect(
                url_for("support_incidents.incident", incident_id=incident.id), code=303
            )
    return _incident_page(incident, resolve_form=form, code=422)


@incidents_bp.post("/<int:incident_id>/assign", endpoint="assign")
@roles_required(*DESK)
def assign_incident(incident_id: int):
    incident = services.visible_incident(incident_id, current_user)
    form = AssignForm()
    if form.validate_on_submit():
        raw = form.assignee.data or ""
        assignee_id = parse_id(raw) if raw else None
        try:
            if raw and assignee_id is None:
                raise services.SupportError(_("Choose a staff member."), field="assignee")
            services.assign_incident(incident.id, current_user._get_current_object(), assignee_id)
        except services.SupportError as exc:
            apply_error(form, exc)
        else:
            flash(_("Assignee changed."), "success")
            return redirect(
                url_for("support_incidents.incident", incident_id=incident.id), code=303
            )
    return _incident_page(incident, assign_form=form, code=422)
