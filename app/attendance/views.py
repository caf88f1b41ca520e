"""A class's attendance list, for its trainer and for staff."""

from flask import Blueprint

bp = Blueprint("attendance", __name__)
