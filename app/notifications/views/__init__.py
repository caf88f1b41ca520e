"""The notifications pages, one module per audience: sent emails (`staff`),
each person's choices (`member`, `trainer`) and the unsubscribe link
(`public`). What the member's and trainer's pages share is here."""

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import DomainError
from app.core.forms import apply_error
from app.notifications.forms import QuietHoursForm
from app.notifications.services import preferences


def _preferences_page(layout: str, form: QuietHoursForm, status: int = 200):
    return (
        render_template(
            "notifications/preferences.html",
            layout=layout,
            rows=preferences.grid(current_user),
            form=form,
            action=request.path,
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
