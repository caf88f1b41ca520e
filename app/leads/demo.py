"""The demo gym's leads, one or more in each status, so the inbox has something to show."""

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.i18n import gym_today
from app.core.models import utc_now
from app.extensions import db
from app.leads.models import Interest, Lead, LeadStatus

#: (name, email, interest, status, days ago, follow-up in days, lost reason, message)
LEADS = [
    (
        "Paula Ríos",
        "paula.rios@example.com",
        Interest.CLASSES,
        LeadStatus.NEW,
        0,
        None,
        None,
        "¿Tienen clases de yoga por la mañana?",
    ),
    (
        "Tom Baker",
        "tom.baker@example.com",
        Interest.PERSONAL_TRAINING,
        LeadStatus.NEW,
        1,
        None,
        None,
        "Looking for a trainer twice a week.",
    ),
    (
        "Andrea Vega",
        "andrea.vega@example.com",
        Interest.MEMBERSHIP,
        LeadStatus.CONTACTED,
        4,
        -1,
        None,
        None,
    ),
    (
        "Rafael Cruz",
        "rafael.cruz@example.com",
        Interest.CLASSES,
        LeadStatus.TRIAL,
        6,
        2,
        None,
        "Quiero probar spinning.",
    ),
    (
        "Nina Park",
        "nina.park@example.com",
        Interest.OTHER,
        LeadStatus.LOST,
        20,
        None,
        "Moved to another city",
        None,
    ),
]


def seed_leads() -> int:
    """The leads above, assigned to the front desk, inside the caller's
    transaction; skipped when there are leads already. Returns how many."""
    if db.session.scalar(select(Lead.id).limit(1)) is not None:
        return 0
    desk = db.session.scalar(select(User).where(User.role == Role.FRONT_DESK).order_by(User.id))
    now, today = utc_now(), gym_today()
    for name, email, interest, status, days_ago, follow_up, reason, message in LEADS:
        db.session.add(
            Lead(
                name=name,
                email=email,
                interest=interest,
                status=status,
                message=message,
                lost_reason=reason,
                created_at=now - timedelta(days=days_ago),
                next_follow_up=today + timedelta(days=follow_up) if follow_up is not None else None,
                assignee_id=desk.id if desk and status is not LeadStatus.NEW else None,
            )
        )
    db.session.flush()
    return len(LEADS)
