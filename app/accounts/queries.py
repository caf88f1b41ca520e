"""Read-side queries for account lists, and the loader of a member by id."""

from sqlalchemy import func, or_, select

from app.accounts.models import Role, User, UserStatus
from app.core.inputs import page_number
from app.core.permissions import ensure, get_or_404
from app.core.search import contains
from app.extensions import db

PER_PAGE = 25


def member_or_404(user_id: int) -> User:
    """The member with this id; NotYours (404) for staff accounts and deleted people."""
    member = get_or_404(User, user_id)
    ensure(member.role is Role.MEMBER)
    return member


def search_users(q: str = "", role: str = "", status: str = "", page: int = 1):
    """One page of users matching the filters, newest first."""
    query = select(User)
    if status == "deleted":
        query = query.where(User.deleted_at.is_not(None))
    else:
        query = query.where(User.deleted_at.is_(None))
        if status in {s.value for s in UserStatus}:
            query = query.where(User.status == UserStatus(status))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    if q:
        needle = q.strip().lower()
        query = query.where(
            or_(
                contains(User.email, needle),
                contains(func.lower(User.name), needle),
                contains(User.phone, needle),
            )
        )
    query = query.order_by(User.created_at.desc(), User.id.desc())
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)
