"""The trainer's notification pages (`notifications_trainer`, /trainer/notifications)."""

from flask import Blueprint

from app.accounts.models import Role
from app.core.permissions import roles_required
from app.notifications.views import edit_preferences

bp = Blueprint("notifications_trainer", __name__, url_prefix="/trainer/notifications")


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.TRAINER)
def settings():
    return edit_preferences("layouts/trainer.html")
