"""The demo gym has availability, a 1:1 type and member1's booked 1:1 with Carla."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.booking.models import Booking, BookingStatus
from app.demo import seed_demo
from app.scheduling.models import ClassSession, ClassType
from app.staff.models import AvailabilityBlock
from app.trainers.models import Trainer


def test_demo_has_availability_a_one_to_one_type_and_member1s_booked_one_to_one(app, db):
    assert seed_demo()

    carla = db.session.scalar(select(Trainer).join(User).where(User.email == "carla@cupo.demo"))
    blocks = db.session.scalar(select(func.count()).where(AvailabilityBlock.trainer_id == carla.id))
    assert blocks == 5
    one_type = db.session.scalar(select(ClassType).where(ClassType.is_one_to_one.is_(True)))
    assert (one_type.name, one_type.duration_minutes, one_type.default_capacity) == (
        "Personal training",
        60,
        1,
    )
    booked = db.session.scalars(
        select(Booking)
        .join(ClassSession, ClassSession.id == Booking.session_id)
        .join(User, User.id == Booking.member_id)
        .where(
            User.email == "member1@cupo.demo",
            ClassSession.class_type_id == one_type.id,
            ClassSession.trainer_id == carla.id,
            Booking.status == BookingStatus.CONFIRMED,
        )
    ).all()
    assert len(booked) == 1
