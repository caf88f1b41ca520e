"""The admin settings page."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.permissions import ADMIN, roles_required
from app.settings.forms import SettingsForm
from app.settings.services import EDITABLE, gym_settings, update_settings

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


@bp.route("/", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit():
    settings = gym_settings()
    form = SettingsForm(obj=settings)
    if not form.is_submitted():
        form.tax_rate.data = settings.tax_rate_bp / 100
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in EDITABLE if hasattr(form, name)}
        values["tax_rate_bp"] = int(round(form.tax_rate.data * 100))
        try:
            update_settings(values, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("settings.edit"))
    return render_template("settings/edit.html", form=form)
