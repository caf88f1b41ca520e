"""The member's tickets (`support_member`, /app/support): their list, a new
ticket, each ticket with the replies (never staff's internal notes).
Another member's ticket or photo is a 404."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.forms import apply_error
from app.core.inputs import page_arg
from app.core.permissions import MEMBERS, ensure, get_or_404, roles_required
from app.support import queries, services
from app.support.forms import ReplyForm, TicketForm
from app.support.models import TicketReply
from app.support.views import send_photo

bp = Blueprint("support_member", __name__, url_prefix="/app/support")


@bp.get("/", endpoint="index")
@roles_required(*MEMBERS)
def index():
    pagination = queries.member_tickets(current_user.id, page=page_arg())
    return render_template("support/member/index.html", pagination=pagination)


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@roles_required(*MEMBERS)
def new():
    form = TicketForm()
    if form.validate_on_submit():
        try:
            ticket = services.open_ticket(
                current_user._get_current_object(),
                category=form.category.data,
                subject=form.subject.data,
                message=form.message.data,
                photo=form.photo.data,
            )
        except services.SupportError as exc:
            apply_error(form, exc)
        else:
            flash(_("Ticket sent. We will answer here."), "success")
            return redirect(url_for("support_member.ticket", ticket_id=ticket.id), code=303)
    return render_template("support/member/new.html", form=form), 422 if form.errors else 200


@bp.route("/<int:ticket_id>", methods=["GET", "POST"], endpoint="ticket")
@roles_required(*MEMBERS)
def ticket(ticket_id: int):
    ticket = services.ticket_for_member(ticket_id, current_user)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.member_reply(
                ticket.id, current_user._get_current_object(), message=form.message.data
            )
        except services.SupportError as exc:
            apply_error(form, exc)
        else:
            flash(_("Reply sent."), "success")
            return redirect(url_for("support_member.ticket", ticket_id=ticket.id), code=303)
    replies = queries.replies(ticket.id, with_internal=False)
    status = 422 if form.errors else 200
    return render_template(
        "support/member/ticket.html", ticket=ticket, replies=replies, form=form
    ), status


@bp.get("/photos/<int:reply_id>", endpoint="photo")
@roles_required(*MEMBERS)
def photo(reply_id: int):
    reply = get_or_404(TicketReply, reply_id)
    ensure(not reply.internal and reply.ticket_id is not None)
    services.ticket_for_member(reply.ticket_id, current_user)
    return send_photo(reply)
