"""Members book a 1:1 session from a trainer's free slots (`staff_member`,
/app/trainers).

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import Blueprint

bp = Blueprint("staff_member", __name__, url_prefix="/app/trainers")
