"""The trainer's notification pages (`notifications_trainer`, /trainer):
their list, choices and Web Push devices, and the portal's own service worker."""

from flask import Blueprint, current_app, render_template

from app.accounts.models import Role
from app.core.headers import shared_file
from app.core.permissions import TRAINERS, roles_required
from app.notifications.views import (
    centre_page,
    edit_preferences,
    remove_device,
    subscribe_device,
)

bp = Blueprint("notifications_trainer", __name__, url_prefix="/trainer")


@bp.get("/notifications")
@roles_required(*TRAINERS)
def centre():
    return centre_page()


@bp.route("/notifications/settings", methods=["GET", "POST"])
@roles_required(Role.TRAINER)
def settings():
    return edit_preferences("layouts/trainer.html")


@bp.post("/notifications/push/devices")
@roles_required(Role.TRAINER)
def push_subscribe():
    return subscribe_device()


@bp.post("/notifications/push/devices/<int:device_id>/remove")
@roles_required(Role.TRAINER)
def push_remove(device_id: int):
    return remove_device(device_id, "notifications_trainer.settings")


@bp.get("/sw.js")
@shared_file
def worker():
    """The trainer portal's worker: served from /trainer/, so its scope is
    the portal; it only shows pushes and opens them (no offline copies)."""
    body = render_template("notifications/push/trainer_sw.js", home="/trainer/")
    response = current_app.response_class(body, mimetype="text/javascript")
    response.cache_control.no_cache = True  # the browser asks each time: a release shows at once
    return response
