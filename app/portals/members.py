"""The member app (phone-first PWA)."""

from flask import Blueprint, render_template

from app.core.permissions import MEMBERS, roles_required

bp = Blueprint("members", __name__, url_prefix="/app")


@bp.get("/")
@roles_required(*MEMBERS)
def home():
    return render_template("members/home.html")


@bp.get("/profile")
@roles_required(*MEMBERS)
def profile():
    return render_template("members/profile.html")
