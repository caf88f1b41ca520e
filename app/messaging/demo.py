"""The demo gym's conversations, so the message pages have something to show."""

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.models import utc_now
from app.extensions import db
from app.messaging.models import Message, MessageReport, MessageThread
from app.trainers.models import ClientAssignment, Trainer

#: (trainer's email, member: "member1" or the nth English/Spanish member,
#:  [(from the member?, minutes ago, text)], report the last message?)
CONVERSATIONS = [
    (
        "carla@cupo.demo",
        "member1",
        [
            (True, 26 * 60, "Hola Carla, ¿puedo llevar mi propio tapete a la clase?"),
            (False, 25 * 60, "¡Claro! Y si no tienes, en el estudio hay tapetes limpios."),
            (True, 90, "Perfecto. Otra duda: tengo una molestia en la rodilla."),
            (False, 20, "Avísame al llegar y te doy variantes para las posturas de rodilla."),
        ],
        False,
    ),
    (
        "carla@cupo.demo",
        "es",
        [
            (True, 3 * 60, "Buenas, ¿la clase del sábado sigue en pie?"),
            (False, 2 * 60, "Sí, a la misma hora."),
            (True, 45, "Compra mis suplementos con descuento en este enlace: www.ejemplo.test"),
        ],
        True,
    ),
    (
        "emily@cupo.demo",
        "en",
        [
            (True, 5 * 60, "Hi Emily! Is the HIIT class OK for beginners?"),
            (False, 4 * 60, "Yes! Go at your own pace, and bring water and a towel."),
            (True, 30, "Great, see you Thursday."),
        ],
        False,
    ),
]


def _member(kind: str, used: set[int]) -> User | None:
    query = select(User).where(User.role == Role.MEMBER).order_by(User.id)
    if kind == "member1":
        query = query.where(User.email == "member1@cupo.demo")
    else:
        query = query.where(User.language == kind, User.email != "member1@cupo.demo")
    return next((user for user in db.session.scalars(query) if user.id not in used), None)


def seed_messages() -> int:
    """A few threads (member1 is Carla's client), one message reported to staff;
    inside the caller's transaction. Tells no one. Returns how many messages."""
    now, used, count = utc_now(), set(), 0
    for trainer_email, member_kind, lines, reported in CONVERSATIONS:
        trainer = db.session.scalar(
            select(Trainer)
            .join(User, User.id == Trainer.user_id)
            .where(User.email == trainer_email)
        )
        member = _member(member_kind, used)
        if trainer is None or member is None:
            continue
        used.add(member.id)
        db.session.add(ClientAssignment(member_id=member.id, trainer_id=trainer.id))
        thread = MessageThread(member_id=member.id, trainer_id=trainer.id)
        db.session.add(thread)
        db.session.flush()
        unread = {True: 0, False: 0}
        message = None
        for from_member, minutes_ago, text in lines:
            sent_at = now - timedelta(minutes=minutes_ago)
            message = Message(
                thread_id=thread.id,
                sender_id=member.id if from_member else trainer.user_id,
                body=text,
                sent_at=sent_at,
            )
            db.session.add(message)
            db.session.flush()
            # the other side read everything before the newest message
            unread = {from_member: 0, not from_member: 0}
            unread[from_member] = 1
            count += 1
        thread.created_at = now - timedelta(minutes=lines[0][1])
        thread.last_message_at, thread.last_message_id = message.sent_at, message.id
        thread.trainer_unread, thread.member_unread = unread[True], unread[False]
        if reported:
            db.session.add(
                MessageReport(
                    message_id=message.id,
                    reporter_id=trainer.user_id,
                    reason="Publicidad.",
                    created_at=now - timedelta(minutes=40),
                )
            )
    db.session.flush()
    return count
