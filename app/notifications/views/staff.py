"""The back office's notification pages: sent emails (`notifications`,
admins; bodies are readable in development) and the desk's and admins' own
notifications (`notifications_staff`)."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from app.core.inputs import page_arg
from app.core.permissions import ADMIN, DESK, get_or_404, roles_required
from app.notifications.models import EmailStatus, SentEmail
from app.notifications.queries import sent_emails
from app.notifications.views import centre_page

bp = Blueprint("notifications", __name__, url_prefix="/admin/emails")
centre_bp = Blueprint("notifications_staff", __name__, url_prefix="/admin/notifications")

#: shown on the sent-emails pages (every template gets it from the layout context)
EMAIL_STATUS_LABELS = {
    EmailStatus.QUEUED: _l("Queued"),
    EmailStatus.SENT: _l("Sent"),
    EmailStatus.FAILED: _l("Failed"),
}


@bp.get("/")
@roles_required(*ADMIN)
def index():
    status = request.args.get("status", "")
    to = request.args.get("to", "").strip().lower()[:254]
    page = page_arg()
    return render_template(
        "notifications/index.html",
        emails=sent_emails(status, to, page),
        status=status,
        to=to,
        statuses=EmailStatus,
    )


@bp.get("/<int:email_id>")
@roles_required(*ADMIN)
def show(email_id: int):
    email = get_or_404(SentEmail, email_id)
    show_body = current_app.config["MAIL_SERVER"] is None
    return render_template("notifications/show.html", email=email, show_body=show_body)


@centre_bp.get("")
@roles_required(*DESK)
def centre():
    return centre_page()
