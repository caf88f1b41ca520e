"""The back office: dashboard and the audit log."""

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.core.audit import AuditEntry
from app.core.i18n import gym_zone
from app.core.permissions import ADMIN, DESK, roles_required
from app.core.search import contains
from app.extensions import db
from app.notifications.models import EmailStatus, SentEmail

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


@bp.get("/")
@roles_required(*DESK)
def dashboard():
    counts = dict(
        db.session.execute(
            select(User.role, func.count(User.id))
            .where(User.deleted_at.is_(None))
            .group_by(User.role)
        ).all()
    )
    failed_emails = db.session.scalar(
        select(func.count(SentEmail.id)).where(SentEmail.status == EmailStatus.FAILED)
    )
    return render_template(
        "admin/dashboard.html", counts=counts, roles=Role, failed_emails=failed_emails
    )


def _day_start(value: str, *, next_day: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    if next_day:
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=gym_zone())


@bp.get("/audit")
@roles_required(*ADMIN)
def audit_log():
    args = {k: request.args.get(k, "").strip()[:80] for k in ("action", "actor", "since", "until")}
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if args["action"]:
        query = query.where(contains(AuditEntry.action, args["action"]))
    if args["actor"]:
        actors = select(User.id).where(contains(User.email, args["actor"].lower()))
        query = query.where(AuditEntry.actor_id.in_(actors))
    if since := _day_start(args["since"]):
        query = query.where(AuditEntry.at >= since)
    if until := _day_start(args["until"], next_day=True):
        query = query.where(AuditEntry.at < until)
    page = max(request.args.get("page", 1, type=int), 1)
    entries = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    return render_template("admin/audit.html", entries=entries, args=args)
