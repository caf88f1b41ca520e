"""Public pages: the front door."""

from flask import Blueprint, current_app, redirect, render_template, send_from_directory
from flask_login import current_user

from app.core.navigation import home_for

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("portals/public/index.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask every site for /favicon.ico, whatever the pages link to."""
    return send_from_directory(
        current_app.static_folder,
        "icons/favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )
