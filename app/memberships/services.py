"""Membership operations shared by staff pages, booking and jobs."""

from app.core.db import transaction
from app.memberships import ledger


def expire_credit_lots() -> int:
    """Daily job: write expiry entries for lapsed lots; return how many."""
    with transaction():
        return ledger.expire_lots()
