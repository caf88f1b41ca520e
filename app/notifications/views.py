"""Admin page of sent emails; bodies are readable in development."""

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from app.core.permissions import ADMIN, get_or_404, roles_required
from app.core.search import contains
from app.extensions import db
from app.notifications.models import EmailStatus, SentEmail

bp = Blueprint("notifications", __name__, url_prefix="/admin/emails")
PER_PAGE = 30


@bp.get("/")
@roles_required(*ADMIN)
def index():
    query = select(SentEmail).order_by(SentEmail.id.desc())
    status = request.args.get("status", "")
    if status in {s.value for s in EmailStatus}:
        query = query.where(SentEmail.status == EmailStatus(status))
    to = request.args.get("to", "").strip().lower()[:254]
    if to:
        query = query.where(contains(SentEmail.to, to))
    page = max(request.args.get("page", 1, type=int), 1)
    emails = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    return render_template(
        "notifications/index.html", emails=emails, status=status, to=to, statuses=EmailStatus
    )


@bp.get("/<int:email_id>")
@roles_required(*ADMIN)
def show(email_id: int):
    email = get_or_404(SentEmail, email_id)
    show_body = current_app.config["MAIL_SERVER"] is None
    return render_template("notifications/show.html", email=email, show_body=show_body)
