"""Read-side queries for account lists, the desk's member search, and the
loader of a member by id."""

import re

from sqlalchemy import case, or_, select

from app.accounts.models import Role, User, UserStatus
from app.core.inputs import page_number
from app.core.permissions import ensure, get_or_404
from app.core.search import contains, digits, fold
from app.extensions import db

PER_PAGE = 25
#: the most members a search returns; more means "type more"
MEMBER_SEARCH_LIMIT = 20
#: longer searches are cut: no email (254) or name is longer
MAX_SEARCH_LENGTH = 254
#: "42", "0042", "No. 0042", "#42", "N.º 42": a member number
_NUMBER = re.compile(r"^(?:no\.?|n\.?o\.?|#)?\s*0*(\d{1,9})$")
#: a phone number as typed: digits and the usual punctuation, 3 digits at least
_PHONE = re.compile(r"^[\d\s()+./-]+$")
_PHONE_MIN_DIGITS = 3


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
    needle = fold(q[:MAX_SEARCH_LENGTH])
    if needle:  # accents and case do not matter, as in the desk's member search
        query = query.where(or_(contains(User.search_text, needle), contains(User.phone, needle)))
    query = query.order_by(User.created_at.desc(), User.id.desc())
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def member_number_in(text: str) -> int | None:
    """The member id `text` names as a member number ("0042" is 42), else None."""
    match = _NUMBER.match(fold(text))
    return int(match.group(1)) if match else None


def search_members(text: str, limit: int = MEMBER_SEARCH_LIMIT) -> list[User]:
    """Active members matching `text`, at most `limit + 1` (one more says "more").

    Matches a name, email or phone containing `text` whatever its accents and
    case ("jose" finds "José"), the digits of a phone typed with spaces or
    dashes, and a member number ("42", "0042"). Staff accounts, deactivated
    and deleted members are never returned (they can be neither booked nor
    sold to). Exact member numbers and emails come first, then by name.
    """
    text = text[:MAX_SEARCH_LENGTH]
    needle = fold(text)
    if not needle:
        return []
    matches = [contains(User.search_text, needle)]
    phone = digits(text) if _PHONE.match(text) else ""
    if len(phone) >= _PHONE_MIN_DIGITS and phone != needle:
        matches.append(contains(User.search_text, phone))
    number = member_number_in(text)
    exact = User.email == needle
    if number is not None and number <= 2**31 - 1:
        matches.append(User.id == number)
        exact = or_(exact, User.id == number)
    query = (
        select(User)
        .where(
            User.role == Role.MEMBER,
            User.status == UserStatus.ACTIVE,
            User.deleted_at.is_(None),
            or_(*matches),
        )
        .order_by(case((exact, 0), else_=1), User.search_text, User.id)
        .limit(limit + 1)
    )
    return list(db.session.scalars(query))
