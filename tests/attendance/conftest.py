"""Booked classes to check in to: the booking builders, plus staff."""

from datetime import timedelta

import pytest

from app.booking.services.bookings import book_now
from tests.booking.conftest import NOW, Booker


class Door(Booker):
    """A class starting at `NOW + starts_in` with one member booked in."""

    def booked(self, *, starts_in=timedelta(minutes=30), **fields):
        cs = self.session(starts_in=starts_in, **fields)
        member = self.member(credits=2)
        booking = book_now(cs.id, member, actor=self.schedule.admin())
        return cs, member, booking

    def trainer_of(self, cs):
        return cs.trainer.user


@pytest.fixture
def door(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    return Door(db, factories, schedule)


__all__ = ["NOW"]
