"""The member's notification pages (`notifications_member`, /app/notifications)."""

from flask import Blueprint

from app.core.permissions import MEMBERS, roles_required
from app.notifications.views import edit_preferences

bp = Blueprint("notifications_member", __name__, url_prefix="/app/notifications")


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(*MEMBERS)
def settings():
    return edit_preferences("layouts/member.html")
