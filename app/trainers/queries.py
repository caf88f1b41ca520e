"""Read-side queries for trainer pages."""

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select, union

from app.accounts.models import Role, User
from app.booking.models import Booking, BookingStatus
from app.core.inputs import page_number
from app.core.search import contains
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType
from app.trainers.models import Certification, ClientAssignment, ClientNote, Trainer

PER_PAGE = 25
ACTIVE_FILTERS = ("active", "inactive", "no_profile")


@dataclass(frozen=True)
class TrainerRow:
    """One line of the admin list: the account, and its profile when it has one."""

    user: User
    trainer: Trainer | None


def search_trainers(q: str = "", active: str = "", page: int = 1):
    """One page of trainer accounts (with or without a profile), by name.

    `active` is "active", "inactive", "no_profile" or "" for all. Runs two
    queries besides the count, whatever the page size: the accounts, then
    their profiles. Returns (pagination, rows).
    """
    query = (
        select(User)
        .outerjoin(Trainer, Trainer.user_id == User.id)
        .where(User.role == Role.TRAINER, User.deleted_at.is_(None))
    )
    if active == "active":
        query = query.where(Trainer.is_active.is_(True))
    elif active == "inactive":
        query = query.where(Trainer.is_active.is_(False))
    elif active == "no_profile":
        query = query.where(Trainer.id.is_(None))
    if q:
        needle = q.strip().lower()
        query = query.where(
            or_(
                contains(User.email, needle),
                contains(func.lower(User.name), needle),
                contains(User.phone, needle),
            )
        )
    query = query.order_by(func.lower(User.name), User.id)
    pagination = db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)
    user_ids = [user.id for user in pagination.items]
    profiles = {}
    if user_ids:
        profiles = {
            trainer.user_id: trainer
            for trainer in db.session.scalars(select(Trainer).where(Trainer.user_id.in_(user_ids)))
        }
    rows = [TrainerRow(user, profiles.get(user.id)) for user in pagination.items]
    return pagination, rows


def trainer_for_user(user_id: int) -> Trainer | None:
    """The profile of the account `user_id`, or None when it has none yet."""
    return db.session.scalar(select(Trainer).where(Trainer.user_id == user_id))


def certifications_of(trainer: Trainer | None) -> list[Certification]:
    """A trainer's certifications, oldest first (none without a profile)."""
    if trainer is None:
        return []
    return list(
        db.session.scalars(
            select(Certification)
            .where(Certification.trainer_id == trainer.id)
            .order_by(Certification.id)
        )
    )


def assigned_trainer(member_id: int) -> Trainer | None:
    """The member's assigned trainer (one query), or None."""
    return db.session.scalar(
        select(Trainer)
        .join(ClientAssignment, ClientAssignment.trainer_id == Trainer.id)
        .where(ClientAssignment.member_id == member_id)
    )


def active_trainer_choices() -> list[tuple[int, str]]:
    """(trainer id, name) of every active trainer, by name, for a select."""
    rows = db.session.execute(
        select(Trainer.id, User.name)
        .join(User, User.id == Trainer.user_id)
        .where(Trainer.is_active.is_(True), User.deleted_at.is_(None))
        .order_by(func.lower(User.name), Trainer.id)
    )
    return [(trainer_id, name) for trainer_id, name in rows]


# --- a trainer's clients ---------------------------------------------------------


def client_ids(trainer_id: int):
    """A select of the ids of the trainer's clients: the members the desk
    assigned to them, and members who booked a 1:1 with them (a booking not
    cancelled)."""
    assigned = select(ClientAssignment.member_id).where(ClientAssignment.trainer_id == trainer_id)
    booked_one_to_one = (
        select(Booking.member_id)
        .join(ClassSession, ClassSession.id == Booking.session_id)
        .join(ClassType, ClassType.id == ClassSession.class_type_id)
        .where(
            Booking.status != BookingStatus.CANCELLED,
            ClassSession.trainer_id == trainer_id,
            ClassType.is_one_to_one.is_(True),
        )
    )
    return union(assigned, booked_one_to_one)


def is_client(trainer_id: int, member_id: int) -> bool:
    """Whether the member is one of the trainer's clients (one query)."""
    return bool(
        db.session.scalar(
            select(exists().where(User.id == member_id, User.id.in_(client_ids(trainer_id))))
        )
    )


def clients_page(trainer_id: int, q: str = "", page: int = 1):
    """One page of the trainer's clients (their accounts), by name, searched by
    name, email or phone: the count and one query."""
    query = select(User).where(
        User.id.in_(client_ids(trainer_id)), User.role == Role.MEMBER, User.deleted_at.is_(None)
    )
    needle = (q or "").strip().lower()
    if needle:
        query = query.where(
            or_(
                contains(User.email, needle),
                contains(func.lower(User.name), needle),
                contains(User.phone, needle),
            )
        )
    query = query.order_by(func.lower(User.name), User.id)
    return db.paginate(query, page=page_number(page), per_page=PER_PAGE, error_out=False)


def client_notes(trainer_id: int, member_id: int) -> list[ClientNote]:
    """The trainer's own notes about the member, newest first."""
    return list(
        db.session.scalars(
            select(ClientNote)
            .where(ClientNote.trainer_id == trainer_id, ClientNote.member_id == member_id)
            .order_by(ClientNote.created_at.desc(), ClientNote.id.desc())
        )
    )
