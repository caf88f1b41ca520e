"""A trainer's messages (`messaging_trainer`, /trainer/messages): the inbox
by last message with unread counts, "unread only" and a search by member,
a first message to a client, and each thread.

Another trainer's thread, message or file is a 404; a member they may not
write to is a 403 with the reason.
"""

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.accounts.models import Role
from app.core.inputs import page_arg
from app.core.limits import write_limit
from app.core.models import utc_now
from app.core.permissions import roles_required
from app.messaging import queries, services
from app.messaging.views import (
    attachment,
    keep_filters,
    new_message_page,
    poll,
    report,
    send_in_thread,
    thread_page,
)

bp = Blueprint("messaging_trainer", __name__, url_prefix="/trainer/messages")

EP = "messaging_trainer"
THREAD = "messaging/trainer/thread.html"
TRAINER_ONLY = (Role.TRAINER,)


@bp.get("/", endpoint="inbox")
@roles_required(*TRAINER_ONLY)
def inbox():
    """The inbox; HTMX polls it for the list alone (new messages, new badges)."""
    trainer = services.trainer_of(current_user)
    filters = keep_filters()
    pagination, rows = queries.trainer_inbox(
        trainer.id, page=page_arg(), unread_only=filters["unread"], q=filters["q"]
    )
    template = (
        "messaging/trainer/_inbox.html"
        if request.headers.get("HX-Request")
        else "messaging/trainer/inbox.html"
    )
    return render_template(
        template,
        pagination=pagination,
        rows=rows,
        me=current_user,
        filters=filters,
        unread_total=queries.trainer_unread_total(trainer.id),
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@roles_required(*TRAINER_ONLY)
@write_limit("MESSAGE_LIMIT", scope="messages")
def new():
    trainer = services.trainer_of(current_user)
    members = queries.members_for_trainer(trainer.id, utc_now())
    return new_message_page(EP, "messaging/trainer/new.html", members, "member_id", members=members)


@bp.route("/<int:thread_id>", methods=["GET", "POST"], endpoint="thread")
@roles_required(*TRAINER_ONLY)
@write_limit("MESSAGE_LIMIT", scope="messages")
def thread(thread_id: int):
    if request.method == "POST":
        return send_in_thread(EP, THREAD, thread_id)
    return thread_page(EP, THREAD, services.thread_for(thread_id, current_user))


@bp.get("/<int:thread_id>/poll", endpoint="poll")
@roles_required(*TRAINER_ONLY)
def poll_thread(thread_id: int):
    return poll(EP, thread_id)


@bp.post("/reports/<int:message_id>", endpoint="report")
@roles_required(*TRAINER_ONLY)
def report_message(message_id: int):
    return report(EP, message_id)


@bp.get("/files/<int:attachment_id>", endpoint="file")
@roles_required(*TRAINER_ONLY)
def file(attachment_id: int):
    return attachment(attachment_id)
