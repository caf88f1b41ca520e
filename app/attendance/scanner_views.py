"""The QR scanner for trainers and the front desk, and the desk's kiosk mode."""

from flask import Blueprint

bp = Blueprint("scanner", __name__)
