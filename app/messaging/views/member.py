"""The member's messages (`messaging_member`, /app/messages): their threads,
a first message to a trainer they may write to, and each thread.

Another person's thread, message or file is a 404; a trainer they may not
write to is a 403 with the reason.
"""

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.core.inputs import page_arg
from app.core.limits import write_limit
from app.core.models import utc_now
from app.core.permissions import MEMBERS, roles_required
from app.messaging import queries, services
from app.messaging.views import (
    attachment,
    new_message_page,
    poll,
    report,
    send_in_thread,
    thread_page,
)

bp = Blueprint("messaging_member", __name__, url_prefix="/app/messages")

EP = "messaging_member"
THREAD = "messaging/member/thread.html"


@bp.get("/", endpoint="index")
@roles_required(*MEMBERS)
def index():
    pagination, rows = queries.member_threads(current_user.id, page=page_arg())
    return render_template(
        "messaging/member/index.html", pagination=pagination, rows=rows, me=current_user, ep=EP
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@roles_required(*MEMBERS)
@write_limit("MESSAGE_LIMIT", scope="messages")
def new():
    trainers = queries.trainers_for_member(current_user.id, utc_now())
    return new_message_page(
        EP, "messaging/member/new.html", trainers, "trainer_id", trainers=trainers
    )


@bp.route("/<int:thread_id>", methods=["GET", "POST"], endpoint="thread")
@roles_required(*MEMBERS)
@write_limit("MESSAGE_LIMIT", scope="messages")
def thread(thread_id: int):
    if request.method == "POST":
        return send_in_thread(EP, THREAD, thread_id)
    return thread_page(EP, THREAD, services.thread_for(thread_id, current_user))


@bp.get("/<int:thread_id>/poll", endpoint="poll")
@roles_required(*MEMBERS)
def poll_thread(thread_id: int):
    return poll(EP, thread_id)


@bp.post("/reports/<int:message_id>", endpoint="report")
@roles_required(*MEMBERS)
def report_message(message_id: int):
    return report(EP, message_id)


@bp.get("/files/<int:attachment_id>", endpoint="file")
@roles_required(*MEMBERS)
def file(attachment_id: int):
    return attachment(attachment_id)
