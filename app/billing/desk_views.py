"""The desk's till: payments, the cash drawer and renewals due."""

from flask import Blueprint

bp = Blueprint("billing_desk", __name__, url_prefix="/admin/billing")
