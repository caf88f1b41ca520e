"""The admin settings page, and the gym's logo (/logo, public)."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.headers import shared_file
from app.core.limits import upload_limit
from app.core.permissions import ADMIN, roles_required
from app.core.uploads import LOGOS, upload_root
from app.settings.forms import LogoForm, SettingsForm
from app.settings.services import (
    EDITABLE,
    change_logo,
    gym_settings,
    remove_logo,
    update_settings,
)

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")
branding_bp = Blueprint("branding", __name__)

#: seconds browsers and proxies may keep the logo; its URL changes with each upload
LOGO_MAX_AGE = 24 * 3600


def _page(form=None, logo_form=None):
    settings = gym_settings()
    if form is None:
        form = SettingsForm(formdata=None, obj=settings)
        form.tax_rate.data = settings.tax_rate_bp / 100
    return render_template(
        "settings/edit.html", form=form, logo_form=logo_form or LogoForm(formdata=None)
    )


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
    return _page(form=form)


@bp.post("/logo", endpoint="logo")
@roles_required(*ADMIN)
@upload_limit()
def upload_logo():
    form = LogoForm()
    if form.validate_on_submit():
        try:
            change_logo(form.logo.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Logo updated."), "success")
            return redirect(url_for("settings.edit"))
    return _page(logo_form=form)


@bp.post("/logo/remove", endpoint="remove_logo")
@roles_required(*ADMIN)
def remove_logo_view():
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
    else:
        try:
            remove_logo(actor=current_user)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Logo removed. Invoices show the app's icon again."), "success")
    return redirect(url_for("settings.edit"))


@branding_bp.app_template_global()
def logo_url() -> str | None:
    """The URL of the gym's logo, changing with each upload; None without one."""
    path = gym_settings().logo_path
    if not path:
        return None
    return url_for("branding.logo", v=path.rsplit("/", 1)[-1].removesuffix(".png")[:12])


@branding_bp.get("/logo", endpoint="logo")
@shared_file
def logo():
    """The gym's logo, for everyone (the public pages show it); 404 without one."""
    path = gym_settings().logo_path
    if not path or not path.startswith(f"{LOGOS}/"):
        abort(404)
    response = send_from_directory(
        upload_root() / LOGOS, path.removeprefix(f"{LOGOS}/"), max_age=LOGO_MAX_AGE
    )
    response.cache_control.public = True
    return response
