"""Invoices and credit notes: the member's own, and any for staff."""

from flask import Blueprint

bp = Blueprint("billing_documents", __name__)
