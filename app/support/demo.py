"""The demo gym's tickets, so the support pages have something to show."""

from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.support.models import (
    Incident,
    IncidentKind,
    Severity,
    SupportTicket,
    TicketCategory,
    TicketReply,
    TicketStatus,
)

#: (category, subject, status, [(from the member?, internal?, text)])
TICKETS = [
    (
        TicketCategory.FACILITIES,
        "La regadera 3 no tiene agua caliente",
        TicketStatus.OPEN,
        [(True, False, "Desde ayer la regadera 3 del vestidor sale fría.")],
    ),
    (
        TicketCategory.BILLING,
        "Charged twice this month",
        TicketStatus.WAITING,
        [
            (True, False, "I see two charges for my plan on the 1st."),
            (False, True, "Gateway shows one capture and one voided authorisation."),
            (False, False, "The second one is an authorisation that drops off in a few days."),
        ],
    ),
    (
        TicketCategory.CLASSES,
        "Más horarios de yoga por la tarde",
        TicketStatus.RESOLVED,
        [
            (True, False, "¿Podrían abrir una clase de yoga a las 19:00?"),
            (False, False, "¡Sí! Desde el lunes hay yoga a las 19:00 en el estudio A."),
        ],
    ),
]


def seed_tickets() -> int:
    """A few tickets from the first members, answered by the admin; idempotent."""
    if db.session.scalar(select(SupportTicket.id).limit(1)) is not None:
        return 0
    staff = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    members = list(
        db.session.scalars(select(User).where(User.role == Role.MEMBER).order_by(User.id).limit(3))
    )
    if staff is None or not members:
        return 0
    for (category, subject, status, replies), member in zip(TICKETS, members * 3, strict=False):
        ticket = SupportTicket(
            member_id=member.id,
            category=category,
            subject=subject,
            status=status,
            assignee_id=staff.id if status != TicketStatus.OPEN else None,
        )
        db.session.add(ticket)
        db.session.flush()
        for from_member, internal, text in replies:
            db.session.add(
                TicketReply(
                    ticket_id=ticket.id,
                    author_id=member.id if from_member else staff.id,
                    body=text,
                    internal=internal,
                )
            )
    db.session.flush()
    return len(TICKETS)


def seed_incidents() -> int:
    """Broken equipment, a client incident and a session note; idempotent."""
    if db.session.scalar(select(Incident.id).limit(1)) is not None:
        return 0
    trainer = db.session.scalar(select(User).where(User.role == Role.TRAINER).order_by(User.id))
    member = db.session.scalar(select(User).where(User.role == Role.MEMBER).order_by(User.id))
    if trainer is None or member is None:
        return 0
    db.session.add_all(
        [
            Incident(
                kind=IncidentKind.EQUIPMENT,
                severity=Severity.HIGH,
                reporter_id=trainer.id,
                description="La banda está rota; puse un letrero.",
                equipment_name="Caminadora 2",
                out_of_service=True,
            ),
            Incident(
                kind=IncidentKind.CLIENT,
                severity=Severity.MEDIUM,
                reporter_id=trainer.id,
                description="Se mareó al final de la clase; agua y descanso, se fue bien.",
                member_id=member.id,
                first_aid=True,
            ),
            Incident(
                kind=IncidentKind.SESSION_NOTE,
                severity=Severity.LOW,
                reporter_id=trainer.id,
                description="Faltan dos tapetes en el estudio A.",
            ),
        ]
    )
    db.session.flush()
    return 3
