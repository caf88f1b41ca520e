"""Buying online: the member's shop, the gateway's checkout and webhooks."""

from flask import Blueprint

bp = Blueprint("billing_online", __name__)
