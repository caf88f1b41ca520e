"""The member app (phone-first PWA)."""

from flask import Blueprint, render_template
from flask_login import current_user

from app.attendance.passes import checkin_pass
from app.attendance.queries import next_booking
from app.core.models import utc_now
from app.core.permissions import MEMBERS, roles_required

bp = Blueprint("members", __name__, url_prefix="/app")


@bp.get("/")
@roles_required(*MEMBERS)
def home():
    """Greets the member; their next class comes first, QR and all, for the door."""
    now = utc_now()
    booking = next_booking(current_user.id, now)
    card = checkin_pass(booking, now) if booking is not None else None
    return render_template("members/home.html", card=card)


@bp.get("/profile")
@roles_required(*MEMBERS)
def profile():
    return render_template("members/profile.html")
