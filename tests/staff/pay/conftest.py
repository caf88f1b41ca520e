"""Builders for the pay tests: trainers with rates, sessions taught on
gym-local days, bookings and check-ins. November 2026 is the month paid;
the clock stands on 5 December, so every November session has ended."""

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.attendance.models import CheckIn, CheckInMethod
from app.booking.models import Booking
from app.scheduling.models import ClassSession, ClassType, Room, SessionStatus
from app.staff.models import PayBasis, PayRate
from app.trainers.models import Trainer

ZONE = ZoneInfo("America/Mexico_City")
NOVEMBER = date(2026, 11, 1)
#: Saturday 5 December 2026, 12:00 in Mexico City
NOW = datetime(2026, 12, 5, 18, tzinfo=UTC)
_numbers = itertools.count(1)


@dataclass
class Payroll:
    db: object
    factories: object

    def _save(self, *objects):
        self.db.session.add_all(objects)
        self.db.session.commit()
        return objects[0]

    def trainer(self, name=None, language="en") -> Trainer:
        user = self.factories.trainer(name=name or f"Trainer {next(_numbers)}", language=language)
        return self._save(Trainer(user=user))

    def class_type(self, name=None, minutes=60) -> ClassType:
        return self._save(
            ClassType(name=name or f"Class {next(_numbers)}", duration_minutes=minutes)
        )

    def room(self) -> Room:
        if not hasattr(self, "_room"):
            self._room = self._save(Room(name=f"Room {next(_numbers)}", capacity=30))
        return self._room

    def rate(self, trainer, amount, *, basis=PayBasis.PER_CLASS, since=date(2000, 1, 1),
             class_type=None) -> PayRate:  # fmt: skip
        return self._save(
            PayRate(
                trainer_id=trainer.id,
                class_type_id=class_type.id if class_type else None,
                basis=basis,
                amount_minor=amount,
                currency="MXN",
                effective_from=since,
            )
        )

    def session(self, trainer, day: date, at=time(9), *, minutes=60, class_type=None,
                status=SessionStatus.PUBLISHED) -> ClassSession:  # fmt: skip
        class_type = class_type or self.class_type()
        starts = datetime.combine(day, at, tzinfo=ZONE).astimezone(UTC)
        cs = ClassSession(
            class_type_id=class_type.id,
            occurs_on=day,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            trainer_id=trainer.id,
            room_id=self.room().id,
            capacity=20,
            status=status,
            cancelled_at=starts if status is SessionStatus.CANCELLED else None,
        )
        return self._save(cs)

    def bookings(self, cs, booked: int, attended: int = 0) -> None:
        for index in range(booked):
            member = self.factories.member()
            booking = Booking(session_id=cs.id, member_id=member.id)
            self._save(booking)
            if index < attended:
                self._save(
                    CheckIn(
                        booking_id=booking.id,
                        session_id=cs.id,
                        member_id=member.id,
                        method=CheckInMethod.LIST,
                    )
                )


@pytest.fixture
def payroll(db, factories, clock):
    clock(NOW)
    return Payroll(db, factories)
