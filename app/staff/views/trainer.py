"""A trainer's own availability, leave and pay (`staff_trainer`, /trainer).

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import Blueprint

bp = Blueprint("staff_trainer", __name__, url_prefix="/trainer")


# -- availability and 1:1 slots ----------------------------------------------


# -- leave, approval and cover -----------------------------------------------


# -- pay ---------------------------------------------------------------------
