"""The notifications pages, one module per audience: sent emails (`staff`),
each person's choices and Web Push devices (`member`, `trainer`) and the
unsubscribe link (`public`). What the member's and trainer's pages share is
here."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import DomainError
from app.core.forms import apply_error
from app.notifications.forms import QuietHoursForm
from app.notifications.services import preferences, push_devices


def _preferences_page(layout: str, form: QuietHoursForm, status: int = 200):
    return (
        render_template(
            "notifications/preferences.html",
            layout=layout,
            rows=preferences.grid(current_user),
            form=form,
            action=request.path,
            devices=push_devices.devices_of(current_user.id),
        ),
        status,
    )


def edit_preferences(layout: str):
    """GET shows the person's grid and quiet hours; POST saves the boxes ticked."""
    mine = preferences.settings_of(current_user.id)
    if request.method == "GET":
        data = {"quiet_from": mine.quiet_from, "quiet_until": mine.quiet_until} if mine else {}
        return _preferences_page(layout, QuietHoursForm(formdata=None, data=data))
    form = QuietHoursForm()
    if not form.validate():
        return _preferences_page(layout, form, 422)
    wanted = {tuple(value.split(":", 1)) for value in request.form.getlist("pick") if ":" in value}
    try:
        preferences.save(current_user, wanted, form.quiet_from.data, form.quiet_until.data)
    except DomainError as exc:
        apply_error(form, exc)
        return _preferences_page(layout, form, 422)
    flash(_("Your notification choices are saved."), "success")
    return redirect(request.path, 303)


def subscribe_device():
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


def remove_device(device_id: int, settings_endpoint: str):
    """Another person's device id is a 404 (the service raises it)."""
    push_devices.remove(current_user, device_id)
    flash(_("That device no longer gets notifications."), "success")
    return redirect(url_for(settings_endpoint), 303)
