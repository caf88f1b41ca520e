"""Who may change what in programs, for the services.

Admins manage everything; a trainer only their own programs and charts, and
only for their own clients. Someone else's record raises NotYours (404), a
role without access AccessDenied (403): never a DomainError.
"""

from app.core.errors import NotYours
from app.core.permissions import TRAINERS, require_role
from app.core.roles import Role
from app.programs.queries import is_client
from app.trainers.queries import trainer_for_user


def acting_trainer_id(actor) -> int | None:
    """The actor's trainer profile id; None for an admin without one.

    Raises AccessDenied unless the actor is a trainer or an admin, NotYours
    for a trainer without a profile.
    """
    require_role(actor, *TRAINERS)
    trainer = trainer_for_user(actor.id)
    if trainer is None and actor.role is not Role.ADMIN:
        raise NotYours()
    return trainer.id if trainer is not None else None


def check_owner(trainer_id: int, actor) -> None:
    """Raises unless `actor` is an admin or the trainer `trainer_id`."""
    require_role(actor, *TRAINERS)
    if actor.role is Role.ADMIN:
        return
    trainer = trainer_for_user(actor.id)
    if trainer is None or trainer.id != trainer_id:
        raise NotYours()


def check_client(trainer_id: int, member_id: int, actor) -> None:
    """Raises NotYours unless the member is the trainer's client (admins pass)."""
    if actor.role is Role.ADMIN:
        return
    if not is_client(trainer_id, member_id):
        raise NotYours()
