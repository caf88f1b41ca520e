"""Ticket operations: open, reply, note, assign, change status.

Each is one transaction with its checks. A photo is checked and written
before the transaction and removed again if anything refuses. Staff's
replies tell the member (`signals.tell`); staff's changes are audited.
"""

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core import audit, signals, uploads
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.models import utc_now
from app.core.permissions import DESK, get_or_404, require_role
from app.core.urls import app_path
from app.extensions import db
from app.scheduling.models import ClassSession
from app.support.models import (
    Incident,
    IncidentKind,
    Severity,
    SupportTicket,
    TicketCategory,
    TicketReply,
    TicketStatus,
)

MAX_SUBJECT = 120
MAX_TEXT = 4000
#: characters of a reply shown in the notification
PREVIEW = 80
ASSIGNEE_ROLES = (Role.ADMIN, Role.FRONT_DESK, Role.TRAINER)

#: the statuses a ticket may move to from each status
TRANSITIONS = {
    TicketStatus.OPEN: {TicketStatus.WAITING, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.WAITING: {TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.RESOLVED: {TicketStatus.OPEN, TicketStatus.CLOSED},
    TicketStatus.CLOSED: set(),
}


class SupportError(DomainError):
    """A support rule said no; the message is shown to the user."""


def _clean(text: str | None, field: str, limit: int, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise SupportError(empty, field=field)
    if len(text) > limit:
        raise SupportError(_("Keep it to %(max)d characters.", max=limit), field=field)
    return text


def _category(value) -> TicketCategory:
    try:
        return TicketCategory(value)
    except ValueError:
        raise SupportError(_("Choose a category."), field="category") from None


def _store(photo) -> uploads.StoredFile | None:
    if photo is None or not getattr(photo, "filename", None):
        return None
    try:
        stored = uploads.store_attachment(photo)
    except uploads.UploadError as exc:
        raise SupportError(str(exc), field="photo") from None
    if stored.content_type not in uploads.PHOTO_TYPES:
        uploads.delete_file(stored.path)
        raise SupportError(_("Choose a JPEG, PNG or WebP picture."), field="photo")
    return stored


def _remove(stored) -> None:
    if stored is not None:
        uploads.delete_file(stored.path)


def ticket_for_member(ticket_id: int, member) -> SupportTicket:
    """The member's own ticket; another person's is a 404."""
    ticket = get_or_404(SupportTicket, ticket_id)
    if ticket.member_id != member.id:
        abort(404)
    return ticket


def open_ticket(member, *, category, subject, message, photo=None) -> SupportTicket:
    """A member opens a ticket with its first message (and an optional photo)."""
    category = _category(category)
    subject = _clean(subject, "subject", MAX_SUBJECT, _("Write a subject."))
    message = _clean(message, "message", MAX_TEXT, _("Write your message."))
    stored = _store(photo)
    try:
        with transaction():
            ticket = SupportTicket(member_id=member.id, category=category, subject=subject)
            db.session.add(ticket)
            db.session.flush()
            db.session.add(
                TicketReply(
                    ticket_id=ticket.id,
                    author_id=member.id,
                    body=message,
                    photo_path=stored.path if stored else None,
                )
            )
            audit.record("support_ticket.opened", ticket, actor=member, after={"subject": subject})
    except Exception:
        _remove(stored)
        raise
    return ticket


def member_reply(ticket_id: int, member, *, message) -> TicketReply:
    """The member answers on their ticket; a closed ticket takes no more replies.
    A waiting or resolved ticket opens again."""
    message = _clean(message, "message", MAX_TEXT, _("Write your message."))
    with transaction():
        ticket = _locked(ticket_id)
        if ticket.member_id != member.id:
            abort(404)
        if ticket.status == TicketStatus.CLOSED:
            raise SupportError(_("This ticket is closed. Open a new one."), field="message")
        reply = TicketReply(ticket_id=ticket.id, author_id=member.id, body=message)
        db.session.add(reply)
        ticket.status = TicketStatus.OPEN
        ticket.updated_at = utc_now()
    return reply


def _locked(ticket_id: int) -> SupportTicket:
    ticket = db.session.scalar(
        select(SupportTicket).where(SupportTicket.id == ticket_id).with_for_update(of=SupportTicket)
    )
    if ticket is None:
        abort(404)
    return ticket


def staff_reply(ticket_id: int, actor, *, message, internal: bool = False) -> TicketReply:
    """Staff answer the member (who is told) or write an internal note (never
    shown to the member). Answering a ticket marks it waiting for the member."""
    require_role(actor, *DESK)
    message = _clean(message, "message", MAX_TEXT, _("Write your message."))
    with transaction():
        ticket = _locked(ticket_id)
        if ticket.status == TicketStatus.CLOSED:
            raise SupportError(_("This ticket is closed."), field="message")
        reply = TicketReply(
            ticket_id=ticket.id, author_id=actor.id, body=message, internal=internal
        )
        db.session.add(reply)
        db.session.flush()
        ticket.updated_at = utc_now()
        if internal:
            audit.record("support_ticket.noted", ticket, actor=actor, after={"reply_id": reply.id})
        else:
            before = ticket.status.value
            if ticket.status == TicketStatus.OPEN:
                ticket.status = TicketStatus.WAITING
            audit.record(
                "support_ticket.replied",
                ticket,
                actor=actor,
                before={"status": before},
                after={"status": ticket.status.value, "reply_id": reply.id},
            )
            signals.tell(
                ticket.member_id,
                "ticket_replied",
                link=app_path("support_member.ticket", ticket_id=ticket.id),
                ticket_subject=ticket.subject,
                preview=message[:PREVIEW],
                ticket_id=ticket.id,
            )
    return reply


def set_status(ticket_id: int, actor, status) -> SupportTicket:
    """Move a ticket along open → waiting → resolved → closed (audited)."""
    require_role(actor, *DESK)
    try:
        status = TicketStatus(status)
    except ValueError:
        raise SupportError(_("Choose a status."), field="status") from None
    with transaction():
        ticket = _locked(ticket_id)
        if status == ticket.status:
            return ticket
        if status not in TRANSITIONS[ticket.status]:
            raise SupportError(_("A closed ticket cannot change status."), field="status")
        before = ticket.status.value
        ticket.status = status
        ticket.updated_at = utc_now()
        audit.record(
            "support_ticket.status",
            ticket,
            actor=actor,
            before={"status": before},
            after={"status": status.value},
        )
    return ticket


def assign(ticket_id: int, actor, assignee_id: int | None) -> SupportTicket:
    """Give the ticket to a staff user (or to nobody); audited."""
    require_role(actor, *DESK)
    if assignee_id is not None:
        user = db.session.get(User, assignee_id)
        if user is None or user.deleted_at is not None or user.role not in ASSIGNEE_ROLES:
            raise SupportError(_("Choose a staff member."), field="assignee")
    with transaction():
        ticket = _locked(ticket_id)
        before = ticket.assignee_id
        ticket.assignee_id = assignee_id
        ticket.updated_at = utc_now()
        audit.record(
            "support_ticket.assigned",
            ticket,
            actor=actor,
            before={"assignee_id": before},
            after={"assignee_id": assignee_id},
        )
    return ticket


def visible_incident(incident_id: int, viewer) -> Incident:
    """An incident the viewer may read: a client incident only for admins and
    its reporter (others: 404)."""
    incident = get_or_404(Incident, incident_id)
    if (
        incident.kind == IncidentKind.CLIENT
        and viewer.role != Role.ADMIN
        and incident.reporter_id != viewer.id
    ):
        abort(404)
    return incident


def _choice(enum_cls, value, field: str, message: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise SupportError(message, field=field) from None


def report_incident(
    actor,
    *,
    kind,
    severity,
    description,
    equipment_name=None,
    out_of_service=False,
    member_id=None,
    session_id=None,
    first_aid=False,
) -> Incident:
    """Staff record an incident; each kind keeps only its own details. Audited."""
    require_role(actor, *ASSIGNEE_ROLES)
    kind = _choice(IncidentKind, kind, "kind", _("Choose what happened."))
    severity = _choice(Severity, severity, "severity", _("Choose a severity."))
    description = _clean(description, "description", MAX_TEXT, _("Describe what happened."))
    incident = Incident(kind=kind, severity=severity, reporter_id=actor.id, description=description)
    if kind == IncidentKind.EQUIPMENT:
        incident.equipment_name = _clean(
            equipment_name, "equipment_name", MAX_SUBJECT, _("Name the equipment.")
        )
        incident.out_of_service = bool(out_of_service)
    elif kind == IncidentKind.CLIENT:
        member = db.session.get(User, member_id) if member_id else None
        if member is None or member.role != Role.MEMBER or member.deleted_at is not None:
            raise SupportError(_("Choose a member."), field="member_id")
        if session_id is not None and db.session.get(ClassSession, session_id) is None:
            raise SupportError(_("Choose a session, or leave it empty."), field="session_id")
        incident.member_id, incident.session_id = member.id, session_id
        incident.first_aid = bool(first_aid)
    with transaction():
        db.session.add(incident)
        db.session.flush()
        audit.record(
            "incident.reported",
            incident,
            actor=actor,
            after={"kind": kind.value, "severity": severity.value},
        )
    return incident


def resolve_incident(incident_id: int, actor, *, resolution) -> Incident:
    """Write how an incident was settled (admins and desk); audited."""
    require_role(actor, *DESK)
    resolution = _clean(resolution, "resolution", MAX_TEXT, _("Write the resolution."))
    with transaction():
        incident = visible_incident(incident_id, actor)
        incident.resolution = resolution
        incident.resolved_at = utc_now()
        incident.out_of_service = False
        audit.record("incident.resolved", incident, actor=actor)
    return incident


def assign_incident(incident_id: int, actor, assignee_id: int | None) -> Incident:
    require_role(actor, *DESK)
    if assignee_id is not None:
        user = db.session.get(User, assignee_id)
        if user is None or user.deleted_at is not None or user.role not in ASSIGNEE_ROLES:
            raise SupportError(_("Choose a staff member."), field="assignee")
    with transaction():
        incident = visible_incident(incident_id, actor)
        before = incident.assignee_id
        incident.assignee_id = assignee_id
        audit.record(
            "incident.assigned",
            incident,
            actor=actor,
            before={"assignee_id": before},
            after={"assignee_id": assignee_id},
        )
    return incident
