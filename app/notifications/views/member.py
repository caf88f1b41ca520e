"""The member's notification pages (`notifications_member`, /app/notifications):
their list, their choices and their Web Push devices."""

from flask import Blueprint

from app.core.permissions import MEMBERS, roles_required
from app.notifications.views import (
    centre_page,
    edit_preferences,
    remove_device,
    subscribe_device,
)

bp = Blueprint("notifications_member", __name__, url_prefix="/app/notifications")


@bp.get("")
@roles_required(*MEMBERS)
def centre():
    return centre_page()


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(*MEMBERS)
def settings():
    return edit_preferences("layouts/member.html")


@bp.post("/push/devices")
@roles_required(*MEMBERS)
def push_subscribe():
    return subscribe_device()


@bp.post("/push/devices/<int:device_id>/remove")
@roles_required(*MEMBERS)
def push_remove(device_id: int):
    return remove_device(device_id, "notifications_member.settings")
