"""The member's QR code and class history; a member's attendance for staff."""

from flask import Blueprint

bp = Blueprint("attendance_member", __name__, url_prefix="/app")
staff_bp = Blueprint("attendance_profile", __name__, url_prefix="/admin")
