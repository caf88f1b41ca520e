"""Web Push devices of members and trainers (`push_devices`): the JSON the
page's script posts after the browser subscribed, the device list's
"remove" buttons, and the trainer portal's own service worker.

Thin: parse, call a service, answer.
"""

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.headers import shared_file
from app.core.permissions import roles_required
from app.notifications.services import push_devices
from app.notifications.views.preferences import settings_url

bp = Blueprint("push_devices", __name__)


def _subscribe():
    """{"endpoint", "keys": {"p256dh", "auth"}} as `PushSubscription.toJSON()`
    gives it → 201 {"id"}; what no browser sends → 422 {"error"}."""
    sent = request.get_json(silent=True)
    sent = sent if isinstance(sent, dict) else {}
    keys = sent.get("keys") if isinstance(sent.get("keys"), dict) else {}
    try:
        device = push_devices.subscribe(
            current_user,
            sent.get("endpoint"),
            keys.get("p256dh"),
            keys.get("auth"),
            request.headers.get("User-Agent", ""),
        )
    except push_devices.PushDeviceError as exc:
        return jsonify(error=str(exc)), 422
    flash(_("Notifications are on for this device."), "success")
    return jsonify(id=device.id), 201


def _remove(device_id: int):
    push_devices.remove(current_user, device_id)
    flash(_("That device no longer gets notifications."), "success")
    return redirect(settings_url(current_user), 303)


@bp.post("/app/notifications/push/devices")
@roles_required(Role.MEMBER)
def member_subscribe():
    return _subscribe()


@bp.post("/trainer/notifications/push/devices")
@roles_required(Role.TRAINER)
def trainer_subscribe():
    return _subscribe()


@bp.post("/app/notifications/push/devices/<int:device_id>/remove")
@roles_required(Role.MEMBER)
def member_remove(device_id: int):
    return _remove(device_id)


@bp.post("/trainer/notifications/push/devices/<int:device_id>/remove")
@roles_required(Role.TRAINER)
def trainer_remove(device_id: int):
    return _remove(device_id)


@bp.get("/trainer/sw.js")
@shared_file
def trainer_worker():
    """The trainer portal's worker: served from /trainer/, so its scope is
    the portal; it only shows pushes and opens them (no offline copies)."""
    body = render_template("notifications/push/trainer_sw.js", home="/trainer/")
    response = current_app.response_class(body, mimetype="text/javascript")
    response.cache_control.no_cache = True  # the browser asks each time: a release shows at once
    return response
