"""Admins keep availability, decide leave, plan cover and run pay
(`staff_admin`, /admin/staff).

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import Blueprint

bp = Blueprint("staff_admin", __name__, url_prefix="/admin/staff")


# -- availability and 1:1 slots ----------------------------------------------


# -- leave, approval and cover -----------------------------------------------


# -- pay ---------------------------------------------------------------------
