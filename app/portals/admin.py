"""The back office: dashboard and the audit log."""

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Role, User
from app.billing.gateways import checkout_gateway
from app.billing.services.documents import METHOD_LABELS
from app.core.audit import AuditEntry
from app.core.i18n import gym_today, gym_zone
from app.core.inputs import page_arg
from app.core.permissions import ADMIN, DESK, roles_required
from app.core.search import contains
from app.extensions import db
from app.portals import dashboard as queries
from app.portals.audit import audit_rows

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


@bp.get("/")
@roles_required(*DESK)
def dashboard():
    """How today is going: classes, takings, renewals, and what needs a look."""
    is_admin = current_user.role is Role.ADMIN
    return render_template(
        "portals/admin/dashboard.html",
        counts=queries.people_counts(),
        roles=Role,
        failed_emails=queries.failed_emails() if is_admin else 0,
        failed_webhooks=queries.failed_webhook_events() if is_admin else 0,
        shop_closed=is_admin and checkout_gateway() is None,
        classes=queries.classes_today(),
        takings=queries.takings_today(),
        renewals=queries.renewals(),
        today=gym_today(),
        method_labels=METHOD_LABELS,
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
    page = page_arg()
    entries = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    return render_template(
        "portals/admin/audit.html", entries=entries, rows=audit_rows(entries.items), args=args
    )
