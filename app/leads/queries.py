"""Reading leads: the inbox page (constant queries) and the staff to assign."""

from sqlalchemy import func, or_, select

from app.accounts.models import User, UserStatus
from app.core.i18n import gym_today
from app.core.inputs import page_number
from app.core.roles import Role
from app.extensions import db
from app.leads.models import Lead, LeadStatus

PER_PAGE = 25


def inbox(*, page: int = 1, status: LeadStatus | None = None, overdue: bool = False, q: str = ""):
    """A page of leads, newest first, and {lead id: member id} for those
    whose email belongs to a member (flagged in the list)."""
    query = select(Lead).order_by(Lead.created_at.desc(), Lead.id.desc())
    if status is not None:
        query = query.where(Lead.status == status)
    if overdue:
        query = query.where(
            Lead.next_follow_up < gym_today(),
            Lead.status.not_in((LeadStatus.CONVERTED, LeadStatus.LOST)),
        )
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(Lead.name).like(like), Lead.email.like(like), Lead.phone.like(like))
        )
    pagination = db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)
    emails = {lead.email for lead in pagination.items}
    people = {}
    if emails:
        for user in db.session.scalars(select(User).where(User.email.in_(emails))):
            people[user.email] = user
        ids = {lead.assignee_id for lead in pagination.items} - {None}
        if ids:
            list(db.session.scalars(select(User).where(User.id.in_(ids))))
    matches = {
        lead.id: people[lead.email].id
        for lead in pagination.items
        if lead.email in people and people[lead.email].role is Role.MEMBER
    }
    return pagination, matches


def matching_member(lead: Lead) -> User | None:
    user = db.session.scalar(select(User).where(User.email == lead.email))
    return user if user is not None and user.role is Role.MEMBER else None


def staff_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(User.id, User.name)
        .where(
            User.role.in_((Role.ADMIN, Role.FRONT_DESK, Role.TRAINER)),
            User.status == UserStatus.ACTIVE,
            User.deleted_at.is_(None),
        )
        .order_by(User.name)
    )
    return [(row.id, row.name) for row in rows]
