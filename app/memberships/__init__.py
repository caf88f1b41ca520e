"""Memberships: the plan catalogue, members' memberships and the credit ledger."""


def init_app(app) -> None:
    """Its tables, and the renewal link in renewal emails."""
    from app.core import signals
    from app.memberships import models  # noqa: F401  (its tables)
    from app.memberships.services.renewals import EXPIRED_EMAIL, PAST_DUE_EMAIL, email_extras

    for template in (PAST_DUE_EMAIL, EXPIRED_EMAIL):
        signals.email_extras.connect(email_extras, sender=template)
