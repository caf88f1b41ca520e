"""Reading tickets: the member's list, the staff list, a ticket's replies,
and the open counts for the digest. Each list runs a fixed number of queries."""

from sqlalchemy import func, or_, select

from app.accounts.models import Role, User
from app.core.inputs import page_number
from app.extensions import db
from app.support.models import Incident, IncidentKind, SupportTicket, TicketReply, TicketStatus

PER_PAGE = 25
ACTIVE = (TicketStatus.OPEN, TicketStatus.WAITING)


def member_tickets(member_id: int, page: int = 1):
    query = (
        select(SupportTicket)
        .where(SupportTicket.member_id == member_id)
        .order_by(SupportTicket.updated_at.desc(), SupportTicket.id.desc())
    )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def staff_tickets(
    *,
    status: TicketStatus | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    page: int = 1,
):
    """Tickets, newest activity first, with member and assignee joined (2 queries)."""
    query = select(SupportTicket).order_by(SupportTicket.updated_at.desc(), SupportTicket.id.desc())
    if status is not None:
        query = query.where(SupportTicket.status == status)
    if unassigned:
        query = query.where(SupportTicket.assignee_id.is_(None))
    elif assignee_id is not None:
        query = query.where(SupportTicket.assignee_id == assignee_id)
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def replies(ticket_id: int, *, with_internal: bool) -> list[TicketReply]:
    """A ticket's replies, oldest first; the member's view never loads internal notes."""
    query = select(TicketReply).where(TicketReply.ticket_id == ticket_id)
    if not with_internal:
        query = query.where(TicketReply.internal.is_(False))
    return list(db.session.scalars(query.order_by(TicketReply.id)))


def assignees() -> list[User]:
    """Staff who may look after a ticket, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role.in_((Role.ADMIN, Role.FRONT_DESK, Role.TRAINER)),
                User.deleted_at.is_(None),
            )
            .order_by(func.lower(User.name), User.id)
        )
    )


def open_ticket_counts() -> dict[str, int]:
    """How many tickets are open and waiting, and how many of those have no assignee."""
    rows = db.session.execute(
        select(SupportTicket.status, SupportTicket.assignee_id.is_(None), func.count())
        .where(SupportTicket.status.in_(ACTIVE))
        .group_by(SupportTicket.status, SupportTicket.assignee_id.is_(None))
    ).all()
    counts = {"open": 0, "waiting": 0, "unassigned": 0}
    for status, unassigned, count in rows:
        counts[status.value] += count
        if unassigned:
            counts["unassigned"] += count
    return counts


def incidents(viewer, page: int = 1):
    """Incidents, newest first: admins see all; others see every incident but
    the client incidents someone else reported (one page query, one count)."""
    query = select(Incident).order_by(Incident.id.desc())
    if viewer.role != Role.ADMIN:
        query = query.where(
            or_(Incident.kind != IncidentKind.CLIENT, Incident.reporter_id == viewer.id)
        )
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)
