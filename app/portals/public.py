"""Public pages: the front door."""

from flask import Blueprint, redirect, render_template
from flask_login import current_user

from app.core.navigation import home_for

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("portals/public/index.html")
