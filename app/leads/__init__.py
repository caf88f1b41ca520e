"""Leads: people who asked to join at /join, followed up by the front desk
and admins until they become members (or are lost)."""


def init_app(app) -> None:
    """Its tables and the applicant's acknowledgement job."""
    from app.core.jobs import register_job
    from app.leads import models  # noqa: F401  (its tables)

    register_job(app, "leads.send_acknowledgement", "app.leads.services:send_acknowledgement")
