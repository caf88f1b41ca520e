"""The demo gym's staff data: trainers' availability, a 1:1 class type and a
booked 1:1 for member1 (availability and 1:1 slots)."""

from datetime import time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.booking.services.bookings import confirm_hold
from app.core.i18n import gym_today, gym_zone
from app.core.models import utc_now
from app.extensions import db
from app.scheduling.models import ClassType, Room
from app.staff.models import AvailabilityBlock, AvailabilityException, ExceptionKind
from app.staff.queries.availability import free_slots_for, slot_days
from app.staff.services.availability import book_slot
from app.trainers.models import Trainer

#: trainer email: (weekdays, start, end) blocks; 'clients' when only clients may book
AVAILABILITY = {
    "carla@cupo.demo": ([0, 1, 2, 3, 4], time(10), time(14), "anyone"),
    "diego@cupo.demo": ([1, 3, 5], time(11), time(15), "anyone"),
    "emily@cupo.demo": ([0, 2], time(14), time(18), "anyone"),
    "marcus@cupo.demo": ([4], time(15), time(19), "clients"),
}


def seed_availability() -> int:
    """Availability for the demo trainers, "Personal training" (a 60-minute
    1:1) and one booked 1:1 of member1 with Carla; returns blocks created.

    Inside the caller's transaction; raises what book_slot and confirm_hold
    raise. Queues the booking confirmation.
    """
    room = db.session.scalar(select(Room).order_by(Room.id))
    one_type = ClassType(
        name="Personal training",
        description="Una sesión 1:1 con tu entrenador: técnica, plan y objetivos.",
        tags=["1:1"],
        colour="#f76707",
        duration_minutes=60,
        default_capacity=1,
        credits_required=2,
        is_one_to_one=True,
        buffer_minutes=15,
        notice_minutes=120,
        horizon_days=14,
        default_room_id=room.id if room else None,
    )
    db.session.add(one_type)
    trainers = {
        t.user.email: t
        for t in db.session.scalars(select(Trainer).join(User).where(User.email.in_(AVAILABILITY)))
    }
    today, count = gym_today(), 0
    for email, (weekdays, start, end, audience) in AVAILABILITY.items():
        trainer = trainers.get(email)
        if trainer is None:
            continue
        trainer.one_to_one_audience = audience
        for weekday in weekdays:
            db.session.add(
                AvailabilityBlock(
                    trainer_id=trainer.id,
                    weekday=weekday,
                    start_time=start,
                    end_time=end,
                    valid_from=today - timedelta(days=7),
                )
            )
            count += 1
    carla = trainers.get("carla@cupo.demo")
    if carla is not None:
        db.session.add(
            AvailabilityException(
                trainer_id=carla.id,
                on_day=today + timedelta(days=10),
                kind=ExceptionKind.OFF,
                note="Congreso de yoga",
            )
        )
    db.session.flush()
    member = db.session.scalar(select(User).where(User.email == "member1@cupo.demo"))
    if carla is not None and member is not None and room is not None:
        _book_one(carla, one_type, member)
    return count


def _book_one(trainer: Trainer, one_type: ClassType, member: User) -> None:
    """member1's first free 1:1 with the trainer from the day after tomorrow."""
    now, zone = utc_now(), gym_zone()
    days = [day for day in slot_days(one_type, now, zone) if day >= gym_today() + timedelta(days=2)]
    slots = free_slots_for(trainer.id, one_type, days, now, zone)
    starts_at = next((starts[0] for starts in slots.values() if starts), None)
    if starts_at is not None:
        hold = book_slot(trainer.id, one_type.id, starts_at, member, actor=member)
        confirm_hold(hold.id, member, actor=member)
