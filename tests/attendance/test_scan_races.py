"""Races at the door: many scanners at once, and the no-show job against a check-in.

Every test runs on two databases, as in tests/booking/test_races.py. On
PostgreSQL (TEST_DATABASE_URL, as in CI) the booking row is locked FOR UPDATE;
without one configured that variant is skipped with the reason, and fails
under CI=true. On SQLite, a file of this module's own that always runs,
writers queue at BEGIN IMMEDIATE.

Each thread pushes its own request context, so it has its own SQLAlchemy
session and its own connection; a barrier releases the threads together.
The clock (`clock` fixture) is a module global, so every thread sees it.
"""

import random
import threading
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, func, select

from app.accounts.models import User
from app.attendance import door, services, tokens
from app.attendance.models import CheckIn, ScanAttempt, ScanResult
from app.attendance.services import CheckInError
from app.booking.models import Booking, BookingStatus, Strike
from app.booking.rules import BookingError
from app.booking.services import bookings as booking_services
from app.booking.services.bookings import book_now
from app.core.db import Busy
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import EntryKind, LedgerEntry
from tests.attendance.conftest import Door
from tests.factories import Factories
from tests.races import Race
from tests.scheduling.conftest import Schedule

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)


# --- building the gym --------------------------------------------------------------


@dataclass
class Gym:
    session_id: int
    ends_at: datetime
    booking_ids: list[int]
    trainer_id: int
    desk_id: int


def _gym(members: int) -> Gym:
    """A class starting 30 minutes from now with `members` members booked (1 credit each)."""
    factories = Factories(db)
    door = Door(db, factories, Schedule(db, factories))
    cs = door.session(capacity=max(members, 5), starts_in=timedelta(minutes=30))
    admin = door.schedule.admin()
    booking_ids = [book_now(cs.id, door.member(credits=1), actor=admin).id for _ in range(members)]
    gym = Gym(cs.id, cs.ends_at, booking_ids, cs.trainer.user_id, factories.front_desk().id)
    db.session.commit()
    return gym


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    db.session.commit()  # hand the connection back: the race starts clean
    return user


# --- running threads together ----------------------------------------------------------


def _together(race: Race, actions: list) -> list:
    """Run each `act(prepare())` of `actions` (pairs) in a thread of its own, released
    by one barrier. Returns one outcome per action: ("ok", value), ("refused", exc) for
    a CheckInError, BookingError or Busy, or ("error", traceback) for anything else."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, prepare, act):
        with race.context():
            try:
                prepared = prepare()
                barrier.wait(timeout=60)
                outcomes[index] = ("ok", act(prepared))
            except (CheckInError, BookingError, Busy) as exc:
                outcomes[index] = ("refused", exc)
            except Exception:
                outcomes[index] = ("error", traceback.format_exc())

    threads = [
        threading.Thread(target=run, args=(i, prepare, act), daemon=True)
        for i, (prepare, act) in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return outcomes


def _errors(outcomes) -> list[str]:
    return [detail for kind, detail in outcomes if kind == "error"]


# --- many scanners, one code --------------------------------------------------------------


def test_eight_scanners_reading_one_code_at_once_check_in_once(race):
    with race.context():
        gym = _gym(members=1)
        (booking_id,) = gym.booking_ids
        code = tokens.short_code(booking_id)
        scanners = [gym.desk_id] * 4 + [gym.trainer_id] * 4

    def scanner(index):
        def scan(user):
            return services.scan(code, actor=user, device=f"door-{index}").result

        return (lambda: _user(scanners[index])), scan

    outcomes = _together(race, [scanner(i) for i in range(8)])

    assert _errors(outcomes) == [], _errors(outcomes)[0]
    results = Counter(value for kind, value in outcomes if kind == "ok")
    print(f"\n{race.backend}: {dict(results)}")
    assert results == {ScanResult.CHECKED_IN: 1, ScanResult.ALREADY: 7}
    with race.context():
        check_ins = db.session.scalars(select(CheckIn)).all()
        assert [c.booking_id for c in check_ins] == [booking_id]
        logged = db.session.scalars(select(ScanAttempt)).all()
        assert len(logged) == 8
        assert Counter(a.result for a in logged) == results
        assert {a.booking_id for a in logged} == {booking_id}
        assert sorted(a.device for a in logged) == [f"door-{i}" for i in range(8)]


def test_the_members_app_and_the_desk_checking_in_at_once_check_in_once(race):
    """The member's phone reads the door code (four times, a shaky hand) while
    the desk scans the member's QR (four scanners): one check-in, the rest
    "already", whichever wins."""
    with race.context():
        gym = _gym(members=1)
        (booking_id,) = gym.booking_ids
        member_id = db.session.get(Booking, booking_id).member_id
        door_code = door.door_token(door.GYM, NOW)
        qr = tokens.qr_token(booking_id)
        db.session.commit()

    def phone(index):
        def scan(member):
            return services.self_check_in(member, door_code).result

        return (lambda: _user(member_id)), scan

    def desk(index):
        def scan(user):
            return services.scan(qr, actor=user, device=f"desk-{index}").result

        return (lambda: _user(gym.desk_id)), scan

    outcomes = _together(race, [phone(i) for i in range(4)] + [desk(i) for i in range(4)])

    assert _errors(outcomes) == [], _errors(outcomes)[0]
    results = Counter(value for kind, value in outcomes if kind == "ok")
    print(f"\n{race.backend}: {dict(results)}")
    assert results == {ScanResult.CHECKED_IN: 1, ScanResult.ALREADY: 7}
    with race.context():
        assert [c.booking_id for c in db.session.scalars(select(CheckIn))] == [booking_id]
        assert db.session.scalar(select(func.count(ScanAttempt.id))) == 8


# --- the no-show job against check-ins ------------------------------------------------------


def _resolved(gym: Gym) -> dict[str, int]:
    """How each booking of the class ended; raises if any is both a no-show and present."""
    rows = db.session.execute(
        select(Booking.id, Booking.status, CheckIn.id)
        .outerjoin(CheckIn, CheckIn.booking_id == Booking.id)
        .where(Booking.session_id == gym.session_id)
    ).all()
    tally = Counter()
    for booking_id, status, check_in_id in rows:
        came = check_in_id is not None
        assert not (status is BookingStatus.NO_SHOW and came), f"booking {booking_id} is both"
        assert status is (BookingStatus.CONFIRMED if came else BookingStatus.NO_SHOW), (
            f"booking {booking_id}: {status.value}, checked in: {came}"
        )
        tally["present" if came else "no_show"] += 1
    no_shows = select(Booking.id).where(
        Booking.session_id == gym.session_id, Booking.status == BookingStatus.NO_SHOW
    )
    tally["strikes"] = db.session.scalar(
        select(func.count(Strike.id)).where(Strike.booking_id.in_(no_shows))
    )
    tally["forfeits"] = db.session.scalar(
        select(func.count(LedgerEntry.id)).where(
            LedgerEntry.kind == EntryKind.FORFEIT, LedgerEntry.booking_id.in_(no_shows)
        )
    )
    db.session.rollback()
    return tally


ROUNDS = 4
TICKERS = 6


def _ticker(gym: Gym, index: int, delay: float):
    """(prepare, act) for the trainer ticking booking `index` in after `delay` seconds."""

    def tick(trainer):
        time.sleep(delay)
        return services.check_in(gym.booking_ids[index], actor=trainer).id

    return (lambda: _user(gym.trainer_id)), tick


def test_no_show_job_racing_check_ins_never_leaves_a_no_show_checked_in(race, clock):
    """Right after the class a trainer ticks six members in on the list while the
    no-show job runs: each booking ends either checked in or a no-show, never both."""
    totals = Counter()
    for round_number in range(ROUNDS):
        clock(NOW)
        with race.context():
            gym = _gym(members=TICKERS)
        clock(gym.ends_at + timedelta(minutes=1))
        rng = random.Random(f"{race.backend}-{round_number}")
        # the job starts at once; the trainer's taps land while it works through the list
        delays = [rng.uniform(0, 0.06) for _ in range(TICKERS)]

        actions = [_ticker(gym, i, delays[i]) for i in range(TICKERS)]
        actions.append((lambda: None, lambda _prepared: services.mark_no_shows()))
        outcomes = _together(race, actions)

        assert _errors(outcomes) == [], _errors(outcomes)[0]
        kind, marked = outcomes[-1]
        assert kind == "ok", marked
        ticked = [value for kind, value in outcomes[:-1] if kind == "ok"]
        refusals = [value for kind, value in outcomes[:-1] if kind == "refused"]
        assert {type(exc) for exc in refusals} <= {CheckInError}, refusals
        assert {exc.result for exc in refusals} <= {ScanResult.NO_SHOW}, refusals
        with race.context():
            tally = _resolved(gym)
            assert ledger.check_ledger() == []
        assert tally["present"] == len(ticked)
        assert tally["no_show"] == marked == len(refusals)
        assert tally["strikes"] == tally["forfeits"] == marked
        totals.update(present=len(ticked), no_show=marked)
    print(f"\n{race.backend}: {dict(totals)} over {ROUNDS} rounds")


@contextmanager
def _pause_after_locking_the_booking(thread_name: str, locked: threading.Event, hold: float):
    """In thread `thread_name`, once the booking row is read (FOR UPDATE on PostgreSQL,
    under the BEGIN IMMEDIATE write lock on SQLite), say so and keep the lock a while."""
    engine = db.engine

    def after(conn, cursor, statement, *args):
        if (
            threading.current_thread().name == thread_name
            and not locked.is_set()
            and "FROM bookings" in statement
            and "WHERE bookings.id = " in statement
        ):
            locked.set()
            time.sleep(hold)

    event.listen(engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", after)


def _run(race, name: str, target, results: dict) -> threading.Thread:
    def body():
        with race.context():
            try:
                results[name] = ("ok", target())
            except (CheckInError, BookingError, Busy) as exc:
                results[name] = ("refused", exc)
            except Exception:
                results[name] = ("error", traceback.format_exc())

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread


def test_a_check_in_waiting_for_the_jobs_lock_is_refused_as_a_no_show(race, clock):
    with race.context():
        gym = _gym(members=1)
    (booking_id,) = gym.booking_ids
    clock(gym.ends_at + timedelta(minutes=1))
    locked, results = threading.Event(), {}
    with race.context(), _pause_after_locking_the_booking("job", locked, hold=0.5):
        job = _run(race, "job", services.mark_no_shows, results)
        assert locked.wait(timeout=30), "the job never locked the booking"
        tick = _run(
            race,
            "tick",
            lambda: services.check_in(booking_id, actor=_user(gym.trainer_id)),
            results,
        )
        job.join(timeout=60)
        tick.join(timeout=60)
    assert results["job"] == ("ok", 1)
    kind, refused = results["tick"]
    assert kind == "refused" and refused.result is ScanResult.NO_SHOW, refused
    with race.context():
        assert _resolved(gym) == {"no_show": 1, "strikes": 1, "forfeits": 1}


def test_the_job_waiting_for_a_check_ins_lock_skips_the_booking(race, clock, monkeypatch):
    with race.context():
        gym = _gym(members=1)
    (booking_id,) = gym.booking_ids
    clock(gym.ends_at + timedelta(minutes=1))
    tried = []
    real = booking_services.mark_no_show

    def spy(booking_id, *, actor):
        tried.append(booking_id)
        return real(booking_id, actor=actor)

    monkeypatch.setattr(booking_services, "mark_no_show", spy)
    locked, results = threading.Event(), {}
    with race.context(), _pause_after_locking_the_booking("tick", locked, hold=0.5):
        tick = _run(
            race,
            "tick",
            lambda: services.check_in(booking_id, actor=_user(gym.trainer_id)).id,
            results,
        )
        assert locked.wait(timeout=30), "the check-in never locked the booking"
        job = _run(race, "job", services.mark_no_shows, results)
        tick.join(timeout=60)
        job.join(timeout=60)
    assert results["tick"][0] == "ok", results["tick"]
    assert results["job"] == ("ok", 0)
    assert tried == [booking_id], "the job read the booking as pending before the check-in"
    with race.context():
        assert _resolved(gym) == {"present": 1, "strikes": 0, "forfeits": 0}
