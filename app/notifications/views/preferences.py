"""The "Notifications" page of members and trainers, and the one-click
unsubscribe link of optional emails (`notification_settings`).

Thin: read the boxes, call one service, render.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.permissions import roles_required
from app.extensions import csrf
from app.notifications.forms import QuietHoursForm
from app.notifications.services import preferences, push_devices

bp = Blueprint("notification_settings", __name__)

LAYOUTS = {Role.MEMBER: "layouts/member.html", Role.TRAINER: "layouts/trainer.html"}


def _page(form: QuietHoursForm, status: int = 200):
    return (
        render_template(
            "notifications/preferences.html",
            layout=LAYOUTS[current_user.role],
            rows=preferences.grid(current_user),
            form=form,
            action=request.path,
            devices=push_devices.devices_of(current_user.id),
        ),
        status,
    )


def _edit():
    mine = preferences.settings_of(current_user.id)
    if request.method == "GET":
        data = {"quiet_from": mine.quiet_from, "quiet_until": mine.quiet_until} if mine else {}
        return _page(QuietHoursForm(formdata=None, data=data))
    form = QuietHoursForm()
    if not form.validate():
        return _page(form, 422)
    wanted = {tuple(value.split(":", 1)) for value in request.form.getlist("pick") if ":" in value}
    try:
        preferences.save(current_user, wanted, form.quiet_from.data, form.quiet_until.data)
    except DomainError as exc:
        apply_error(form, exc)
        return _page(form, 422)
    flash(_("Your notification choices are saved."), "success")
    return redirect(request.path, 303)


@bp.route("/app/notifications/settings", methods=["GET", "POST"])
@roles_required(Role.MEMBER)
def member():
    return _edit()


@bp.route("/trainer/notifications/settings", methods=["GET", "POST"])
@roles_required(Role.TRAINER)
def trainer():
    return _edit()


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail service POSTs the signed link, with no form
def unsubscribe(token: str):
    """GET only shows the button (mail scanners open links); POST acts."""
    target = preferences.unsubscribe_target(token)
    if target is None:
        return render_template("notifications/unsubscribe.html", event=None), 404
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", event=target[1], done=False)
    preferences.unsubscribe(token)
    return render_template("notifications/unsubscribe.html", event=target[1], done=True)


def settings_url(user) -> str | None:
    """Where `user` changes their choices (None for staff)."""
    endpoint = {Role.MEMBER: "member", Role.TRAINER: "trainer"}.get(user.role)
    return url_for(f"notification_settings.{endpoint}") if endpoint else None
