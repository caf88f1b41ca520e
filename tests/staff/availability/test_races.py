"""Many members taking overlapping 1:1 slots of one trainer at once: one wins.

Run on PostgreSQL (the trainer row is locked FOR UPDATE under a
lock_timeout) and on SQLite (writers queue at BEGIN IMMEDIATE); the
PostgreSQL variant is skipped without TEST_DATABASE_URL (see tests/races.py).
"""

import threading
import traceback
from datetime import date, time, timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.booking.models import Hold
from app.booking.rules import BookingError
from app.core.db import Busy, transaction
from app.core.errors import DomainError
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.scheduling.models import ClassSession, ClassType, Room, SessionStatus
from app.staff.models import AvailabilityBlock
from app.staff.services.availability import SlotTaken, book_slot
from tests.factories import Factories
from tests.races import RACE_NOW
from tests.staff.availability.conftest import WEDNESDAY, at

TAKEN = "Sorry, that time was just taken. Here are the free times now."
MEMBERS = 24


def _gym() -> tuple[int, int, list[int]]:
    factories = Factories(db)
    trainer = factories.trainer_profile()
    db.session.add(
        AvailabilityBlock(
            trainer_id=trainer.id,
            weekday=2,
            start_time=time(9),
            end_time=time(13),
            valid_from=date(2026, 11, 1),
        )
    )
    room = Room(name="Race floor", capacity=10)
    db.session.add(room)
    db.session.commit()
    one_type = ClassType(
        name="Race PT",
        duration_minutes=60,
        default_capacity=1,
        credits_required=1,
        is_one_to_one=True,
        notice_minutes=60,
        horizon_days=14,
        default_room_id=room.id,
    )
    db.session.add(one_type)
    db.session.commit()
    members = [factories.member().id for _ in range(MEMBERS)]
    with transaction():
        for member_id in members:
            ledger.grant(
                member_id, 5 * CC, RACE_NOW + timedelta(days=30), source=LotSource.PURCHASE
            )
    return trainer.id, one_type.id, members


def test_members_racing_for_overlapping_slots_of_one_trainer_get_exactly_one(race):
    with race.context():
        trainer_id, type_id, member_ids = _gym()
        #: 10:00, 10:15, 10:30 and 10:45, an hour each: every pair overlaps
        starts = [at(WEDNESDAY, 10, 15 * (i % 4)) for i in range(MEMBERS)]
    barrier, outcomes = threading.Barrier(MEMBERS), [None] * MEMBERS

    def attempt(index):
        with race.context():
            try:
                member = db.session.get(User, member_ids[index])
                db.session.commit()  # hand the connection back: the race starts clean
                barrier.wait(timeout=60)
                book_slot(trainer_id, type_id, starts[index], member, actor=member)
                outcomes[index] = ("won", None)
            except (SlotTaken, Busy) as exc:
                outcomes[index] = ("refused", str(exc))
            except (BookingError, DomainError) as exc:
                outcomes[index] = ("other", str(exc))
            except Exception:
                outcomes[index] = ("error", traceback.format_exc())

    threads = [threading.Thread(target=attempt, args=(i,), daemon=True) for i in range(MEMBERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"

    assert [o for o in outcomes if o[0] in ("error", "other")] == []
    assert [o[0] for o in outcomes].count("won") == 1
    refusals = {message for kind, message in outcomes if kind == "refused"}
    assert refusals <= {TAKEN, "Many people are doing this right now. Please try again."}
    with race.context():
        sessions = db.session.scalar(
            select(func.count(ClassSession.id)).where(
                ClassSession.trainer_id == trainer_id,
                ClassSession.status == SessionStatus.PUBLISHED,
            )
        )
        holds = db.session.scalar(select(func.count(Hold.id)))
        assert (sessions, holds) == (1, 1)
