"""Leads: people who asked to join at /join, followed up by the front desk
and admins until they become members (or are lost)."""


def init_app(app) -> None:
    """Its tables."""
    from app.leads import models  # noqa: F401  (its tables)
