"""The trainer portal."""

from flask import Blueprint, render_template

from app.core.permissions import TRAINERS, roles_required

bp = Blueprint("trainers", __name__, url_prefix="/trainer")


@bp.get("/")
@roles_required(*TRAINERS)
def home():
    return render_template("trainers/home.html")
