"""Plan, membership and credit pages, one module per audience.

`staff` (`memberships_admin`, /admin): the plan catalogue (admins) and a
member's membership and credits page (admins and front desk). `member`
(`memberships`, /app): the signed-in member's own membership and credits.
Both render with `page_labels` in their templates' context.
"""

from app.core.i18n import gym_today
from app.memberships.forms import (
    ENTRY_LABELS,
    FACILITY_LABELS,
    INTERVAL_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
)
from app.memberships.rules import effective_status


def page_labels() -> dict:
    """Template context of every membership page: labels, the status a
    person should see, and the gym's today."""
    return {
        "interval_labels": INTERVAL_LABELS,
        "kind_labels": KIND_LABELS,
        "membership_status_labels": STATUS_LABELS,
        "entry_labels": ENTRY_LABELS,
        "facility_labels": FACILITY_LABELS,
        "effective_status": effective_status,
        "today": gym_today(),
    }
