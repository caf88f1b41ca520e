"""The demo gym's staff data, one block per part: trainers' availability,
a 1:1 class type and a booked 1:1; leave; pay."""

from datetime import time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.booking.services.bookings import confirm_hold
from app.core.clock import local_to_utc, week_start
from app.core.i18n import gym_settings, gym_today, gym_zone
from app.core.models import utc_now
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType, Room
from app.staff.models import (
    AvailabilityBlock,
    AvailabilityException,
    ExceptionKind,
    Leave,
    LeaveKind,
    LeaveStatus,
    PayBasis,
    PayRate,
    PayStatement,
    leave_span,
)
from app.staff.queries.availability import free_slots_for, slot_days
from app.staff.services import pay
from app.staff.services.availability import book_slot
from app.trainers.models import Trainer

# -- availability and 1:1 slots ----------------------------------------------

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


# -- leave, approval and cover -------------------------------------------------


def _trainer(email: str) -> Trainer | None:
    return db.session.scalar(select(Trainer).join(Trainer.user).where(User.email == email))


def seed_leave(admin) -> int:
    """Carla's pending request three weeks ahead, and Diego's approved leave
    of last month; return how many requests were added."""
    today, zone = gym_today(), gym_zone()
    added = 0
    plans = [
        ("carla@cupo.demo", LeaveKind.VACATION, 21, 23, LeaveStatus.PENDING, "Boda de mi hermana."),
        ("diego@cupo.demo", LeaveKind.SICK, -30, -28, LeaveStatus.APPROVED, "Gripe."),
    ]
    for email, kind, first, last, status, reason in plans:
        trainer = _trainer(email)
        if trainer is None:
            continue
        first_day, last_day = today + timedelta(days=first), today + timedelta(days=last)
        starts_at, ends_at = leave_span(first_day, last_day, None, None, zone)
        decided = status is LeaveStatus.APPROVED
        db.session.add(
            Leave(
                trainer_id=trainer.id,
                kind=kind,
                first_day=first_day,
                last_day=last_day,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=reason,
                status=status,
                requested_at=starts_at - timedelta(days=7) if decided else utc_now(),
                requested_by_id=trainer.user_id,
                decided_at=starts_at - timedelta(days=6) if decided else None,
                decided_by_id=admin.id if decided else None,
                decision_comment="Recupérate pronto." if decided else "",
            )
        )
        added += 1
    db.session.flush()
    return added


# -- pay ---------------------------------------------------------------------

#: trainer → (class type taught last month, weekday, local start, per-class rate)
PAY = {
    "carla@cupo.demo": ("Yoga", 0, time(8), 32_000),
    "emily@cupo.demo": ("Spinning", 1, time(19), 30_000),
    "diego@cupo.demo": ("Funcional", 2, time(7), 35_000),
}
#: trainers with a rate and no classes last month: per hour from a year back
RATE_ONLY = {"marcus@cupo.demo": 33_000}


def seed_pay(admin) -> int:
    """Rates for the demo trainers (a per-class default, and Emily's spinning
    paid per hour from mid-month), a few classes each taught last month, and
    last month's statements: Carla's final, the others' drafts. Returns how
    many statements were made. Inside the caller's transaction; queues the
    final statement's email."""
    today = gym_today()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    zone = gym_zone()
    # the trainer portal's last two weeks stay as the timetable made them (its
    # past-session cards are another issue's); last month's classes end before
    quiet_from = week_start(today) - timedelta(days=14)
    room = db.session.scalar(select(Room).order_by(Room.id))
    currency = gym_settings().currency
    trainers = {
        t.user.email: t
        for t in db.session.scalars(
            select(Trainer)
            .join(User, User.id == Trainer.user_id)
            .where(User.email.in_([*PAY, *RATE_ONLY]))
        )
    }
    if room is None or len(trainers) != len(PAY) + len(RATE_ONLY):
        return 0
    for email, rate in RATE_ONLY.items():
        db.session.add(
            PayRate(
                trainer_id=trainers[email].id,
                basis=PayBasis.PER_HOUR,
                amount_minor=rate,
                currency=currency,
                effective_from=month.replace(year=month.year - 1),
                created_by_id=admin.id,
            )
        )
    for email, (class_name, weekday, start, rate) in PAY.items():
        trainer = trainers[email]
        class_type = db.session.scalar(select(ClassType).where(ClassType.name == class_name))
        db.session.add(
            PayRate(
                trainer_id=trainer.id,
                basis=PayBasis.PER_CLASS,
                amount_minor=rate,
                currency=currency,
                effective_from=month.replace(year=month.year - 1),
                created_by_id=admin.id,
            )
        )
        if email == "emily@cupo.demo":
            db.session.add(
                PayRate(
                    trainer_id=trainer.id,
                    class_type_id=class_type.id,
                    basis=PayBasis.PER_HOUR,
                    amount_minor=42_000,
                    currency=currency,
                    effective_from=month.replace(day=15),
                    created_by_id=admin.id,
                )
            )
        day = month + timedelta(days=(weekday - month.weekday()) % 7)
        while day.month == month.month and day < quiet_from:
            starts = local_to_utc(day, start, zone)
            db.session.add(
                ClassSession(
                    class_type_id=class_type.id,
                    occurs_on=day,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=class_type.duration_minutes),
                    trainer_id=trainer.id,
                    room_id=room.id,
                    capacity=class_type.default_capacity,
                )
            )
            day += timedelta(days=7)
    db.session.flush()
    made = pay.draft_month(month, actor=admin)
    carla = db.session.scalar(
        select(PayStatement).where(
            PayStatement.trainer_id == trainers["carla@cupo.demo"].id,
            PayStatement.month == month,
        )
    )
    pay.finalise_statement(carla.id, actor=admin)
    return made
