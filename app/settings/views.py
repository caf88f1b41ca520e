"""The admin settings page, the gym's logo (/logo, public) and the member
app's manifest and home-screen icons (/app/manifest.webmanifest, public)."""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
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
from app.core.uploads import APP_ICONS, LOGOS, app_icon_path, upload_root
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


#: the installed app's icons without a logo (static/icons/), by name
DEFAULT_APP_ICONS = {
    "192": "app-192.png",
    "512": "app-512.png",
    "maskable": "app-maskable.png",
    "apple-touch": "apple-touch-icon.png",
}


@branding_bp.app_context_processor
def _theme_colour() -> dict:
    """The gym's colour for the browser's chrome (`<meta name="theme-color">`)."""
    return {"theme_colour": gym_settings().theme_colour}


#: a home screen label longer than this is cut at a word
SHORT_NAME_MAX = 12


def short_name(name: str) -> str:
    """The gym's name for under a home-screen icon: whole if short, else its first words."""
    if len(name) <= SHORT_NAME_MAX:
        return name
    words, kept = name.split(), ""
    for word in words:
        if len(f"{kept} {word}".strip()) > SHORT_NAME_MAX:
            break
        kept = f"{kept} {word}".strip()
    return kept or name[:SHORT_NAME_MAX]


@branding_bp.app_template_global()
def app_icon_url(name: str) -> str:
    """An app icon's URL, changing with each logo (the icons are cached a day)."""
    path = gym_settings().logo_path
    version = path.rsplit("/", 1)[-1].removesuffix(".png")[:12] if path else "default"
    return url_for("branding.app_icon", name=name, v=version)


@branding_bp.get("/app/manifest.webmanifest", endpoint="manifest")
def manifest():
    """The member app's web manifest: public (browsers fetch it without
    cookies), in the gym's name and default language."""
    gym = gym_settings()
    icons = [
        {"src": app_icon_url("192"), "sizes": "192x192", "type": "image/png"},
        {"src": app_icon_url("512"), "sizes": "512x512", "type": "image/png"},
        {
            "src": app_icon_url("maskable"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "name": gym.gym_name,
        "short_name": short_name(gym.gym_name),
        "id": "/app/",
        "start_url": "/app/",
        "scope": "/app/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": gym.theme_colour,
        "lang": gym.default_language,
        "dir": "ltr",
        "icons": icons,
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    response.cache_control.no_cache = True
    return response


@branding_bp.get("/app/icons/<name>.png", endpoint="app_icon")
@shared_file
def app_icon(name: str):
    """An installed app icon: made from the gym's logo when it has one."""
    if name not in DEFAULT_APP_ICONS:
        abort(404)
    path = gym_settings().logo_path
    if path and path.startswith(f"{LOGOS}/"):
        made = "maskable" if name == "apple-touch" else name  # iOS shows no transparency
        if made in APP_ICONS:
            stored = app_icon_path(path, made).removeprefix(f"{LOGOS}/")
            if (upload_root() / LOGOS / stored).is_file():
                return _public(send_from_directory(upload_root() / LOGOS, stored))
    return _public(
        send_from_directory(Path(current_app.static_folder) / "icons", DEFAULT_APP_ICONS[name])
    )


def _public(response):
    response.cache_control.public = True
    response.cache_control.max_age = LOGO_MAX_AGE
    return response
