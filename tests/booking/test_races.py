"""Races on the booking engine: many real connections at once (invariants 1 and 3).

Every test runs on two databases. On PostgreSQL (TEST_DATABASE_URL, as in CI)
the session row is locked FOR UPDATE under a `lock_timeout`; without one
configured that variant is skipped with the reason, and fails under CI=true.
On SQLite, a file of this module's own that always runs, writers queue at
BEGIN IMMEDIATE, and "busy, try again" is a fair answer under contention.

Each thread pushes its own request context, so it has its own SQLAlchemy
session and its own connection; a barrier releases the threads together.
The clock (`clock` fixture) is a module global, so every thread sees it move.
"""

import contextlib
import itertools
import random
import sqlite3
import threading
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, text

from app.accounts.models import User
from app.booking.models import Booking, BookingStatus, Hold, HoldStatus, WaitlistEntry
from app.booking.rules import BookingError
from app.booking.services import bookings
from app.booking.services.bookings import (
    book_now,
    cancel_booking,
    confirm_hold,
    place_hold,
    release_hold,
)
from app.booking.services.waitlist import expire_holds, join_waitlist, promote_waitlist
from app.core.db import Busy, transaction
from app.core.jobs import OutboxJob, OutboxStatus
from app.core.models import utc_now
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, EntryKind, LedgerEntry, LotSource
from app.scheduling.models import ClassType, Room
from app.scheduling.services.sessions import create_session
from tests.factories import Factories
from tests.races import Race

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
FULL = "This class is full."
#: a lock wait ran out: at the session row (the engine) or anywhere else (transaction())
BUSY = "Many people are booking right now. Please try again."
BUSY_ELSEWHERE = "Many people are doing this right now. Please try again."
_numbers = itertools.count(1)


# --- building the gym --------------------------------------------------------


def _class_session(capacity: int, starts_in: timedelta = timedelta(days=2), credits=1) -> int:
    """A published class costing `credits`, open for booking; returns its id."""
    factories = Factories(db)
    trainer = factories.trainer_profile()
    number = next(_numbers)
    room = Room(name=f"Race room {number}", capacity=max(capacity, 20))
    db.session.add(room)
    db.session.commit()
    class_type = ClassType(
        name=f"Race spin {number}",
        default_trainer_id=trainer.id,
        default_room_id=room.id,
        credits_required=credits,
    )
    db.session.add(class_type)
    db.session.commit()
    cs = create_session(
        {"class_type_id": class_type.id, "starts_at": NOW + starts_in, "capacity": capacity},
        actor=factories.admin(),
    )
    return cs.id


def _members(count: int, credits=lambda index: 10) -> list[int]:
    """`count` members, member `i` granted `credits(i)` credits (a purchase lot)."""
    factories = Factories(db)
    ids = [factories.member().id for _ in range(count)]
    with transaction():
        for index, member_id in enumerate(ids):
            ledger.grant(
                member_id, credits(index) * CC, NOW + timedelta(days=30), source=LotSource.PURCHASE
            )
    return ids


def _spots_taken(session_id: int) -> int:
    """Confirmed bookings + live holds, in one statement (so one snapshot)."""
    booked = (
        select(func.count(Booking.id))
        .where(Booking.session_id == session_id, Booking.status == BookingStatus.CONFIRMED)
        .scalar_subquery()
    )
    held = (
        select(func.count(Hold.id))
        .where(
            Hold.session_id == session_id,
            Hold.status == HoldStatus.ACTIVE,
            Hold.expires_at > utc_now(),
        )
        .scalar_subquery()
    )
    taken = db.session.scalar(select(booked + held))
    db.session.rollback()  # keep no read snapshot open between steps
    return taken


# --- running threads together --------------------------------------------------


def _together(race: Race, count: int, prepare, act) -> list:
    """Run `act(prepare(i))` in `count` threads, each released by one barrier.

    Returns one outcome per thread: ("ok", value), ("refused", message) for a
    BookingError or Busy, or ("error", traceback) for anything else.
    """
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(index):
        with race.context():
            try:
                prepared = prepare(index)
                barrier.wait(timeout=60)
                outcomes[index] = ("ok", act(prepared))
            except (BookingError, Busy) as exc:
                outcomes[index] = ("refused", str(exc))
            except Exception:
                outcomes[index] = ("error", traceback.format_exc())

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return outcomes


def _errors(outcomes) -> list[str]:
    return [detail for kind, detail in outcomes if kind == "error"]


# --- capacity under a crowd ----------------------------------------------------


def test_fifty_members_racing_for_five_spots_get_exactly_five_holds(race):
    with race.context():
        session_id = _class_session(capacity=5)
        member_ids = _members(50)

    def load(index):
        member = db.session.get(User, member_ids[index])
        db.session.commit()  # hand the connection back: the race starts clean
        return member

    def hold(member):
        return place_hold(session_id, member, actor=member).id

    outcomes = _together(race, len(member_ids), load, hold)

    assert _errors(outcomes) == []
    held = [value for kind, value in outcomes if kind == "ok"]
    refusals = Counter(value for kind, value in outcomes if kind == "refused")
    print(f"\n{race.backend}: {len(held)} holds, refusals {dict(refusals)}")
    assert len(held) == 5
    if race.backend == "postgresql":
        assert refusals == {FULL: 45}
    else:  # writers queue for the file lock; a bounded wait may say "busy"
        assert set(refusals) <= {FULL, BUSY, BUSY_ELSEWHERE}
        assert sum(refusals.values()) == 45
    with race.context():
        assert _spots_taken(session_id) == 5
        live = db.session.scalars(
            select(Hold.member_id).where(
                Hold.session_id == session_id, Hold.status == HoldStatus.ACTIVE
            )
        ).all()
        assert sorted(live) == sorted(db.session.get(Hold, i).member_id for i in held)


# --- a storm of every operation --------------------------------------------------

STORM = {  # threads, steps per thread per round, rounds
    "postgresql": (12, 8, 8),
    "sqlite": (6, 6, 8),
}
#: operation → weight in the random mix
OPERATIONS = {
    "place_hold": 4,
    "confirm_hold": 3,
    "book_now": 3,
    "cancel_booking": 2,
    "join_waitlist": 2,
    "release_hold": 1,
    "promote_waitlist": 1,
    "expire_holds": 1,
}
CAPACITY = 5


def _random_row(rng, query):
    ids = db.session.scalars(query).all()
    return rng.choice(ids) if ids else None


def _storm_step(rng, session_id: int, member_ids: list[int]) -> str:
    """One random operation by a random member (or the system); returns its name."""
    operation = rng.choices(list(OPERATIONS), weights=list(OPERATIONS.values()))[0]
    member = db.session.get(User, rng.choice(member_ids))
    if operation == "place_hold":
        place_hold(session_id, member, actor=member)
    elif operation == "book_now":
        book_now(session_id, member, actor=member)
    elif operation == "join_waitlist":
        join_waitlist(session_id, member, actor=member)
    elif operation == "promote_waitlist":
        promote_waitlist(session_id)
    elif operation == "expire_holds":
        expire_holds()
    elif operation in ("confirm_hold", "release_hold"):
        # any active hold, lapsed or not, confirmed or given back by its owner
        hold_id = _random_row(
            rng,
            select(Hold.id).where(Hold.session_id == session_id, Hold.status == HoldStatus.ACTIVE),
        )
        if hold_id is None:
            return f"{operation}: nothing to do"
        owner = db.session.get(User, db.session.get(Hold, hold_id).member_id)
        action = confirm_hold if operation == "confirm_hold" else release_hold
        action(hold_id, owner, actor=owner)
    elif operation == "cancel_booking":
        booking_id = _random_row(
            rng,
            select(Booking.id).where(
                Booking.session_id == session_id, Booking.status == BookingStatus.CONFIRMED
            ),
        )
        if booking_id is None:
            return f"{operation}: nothing to do"
        owner = db.session.get(User, db.session.get(Booking, booking_id).member_id)
        cancel_booking(booking_id, owner, actor=owner)
    return operation


def test_storm_of_every_operation_keeps_capacity_and_the_ledger(race, clock):
    threads, steps, rounds = STORM[race.backend]
    with race.context():
        # cancellations are fully refunded for the first rounds, half refunded after
        session_id = _class_session(CAPACITY, starts_in=timedelta(hours=24, minutes=14))
        member_ids = _members(30, credits=lambda index: 1 + index % 3)
    tally, breaches = Counter(), []

    def storm(rng):
        done = []
        for _ in range(steps):
            try:
                done.append(("ok", _storm_step(rng, session_id, member_ids)))
            except (BookingError, Busy) as exc:
                done.append(("refused", str(exc)))
            except Exception:
                done.append(("error", traceback.format_exc()))
                db.session.rollback()
            taken = _spots_taken(session_id)
            if taken > CAPACITY:
                breaches.append(f"{taken} spots taken after {done[-1]}")
        return done

    for round_number in range(rounds):
        # holds last 10 minutes and waitlist offers 5: some lapse every round or two
        clock(NOW + timedelta(minutes=4 * round_number))
        outcomes = _together(
            race,
            threads,
            lambda index, r=round_number: random.Random(f"{race.backend}-{r}-{index}"),
            storm,
        )
        assert _errors(outcomes) == [], _errors(outcomes)[0]
        for _, done in outcomes:
            tally.update(done)
        with race.context():
            taken = _spots_taken(session_id)
        assert taken <= CAPACITY, f"round {round_number}: {taken} spots taken"

    print(f"\n{race.backend} storm:")
    for (kind, what), count in sorted(tally.items()):
        print(f"  {kind:8} {count:4}  {what.splitlines()[-1] if kind == 'error' else what}")
    assert [detail for kind, detail in tally if kind == "error"] == []
    assert breaches == []
    for operation in ("place_hold", "book_now", "confirm_hold", "cancel_booking"):
        assert tally["ok", operation], f"the storm never managed a {operation}"

    with race.context():
        assert ledger.check_ledger() == []
        assert all(ledger.balance(member_id) >= 0 for member_id in member_ids)
        assert _spend_and_settlement_counts(session_id) == []


def _spend_and_settlement_counts(session_id: int) -> list[str]:
    """Bookings whose ledger entries break invariant 3: one spend, at most one settlement
    (exactly one once cancelled, none while confirmed)."""
    entries = dict(
        db.session.execute(
            select(LedgerEntry.booking_id, func.count(LedgerEntry.id))
            .where(LedgerEntry.kind == EntryKind.SPEND)
            .group_by(LedgerEntry.booking_id)
        ).all()
    )
    settled = dict(
        db.session.execute(
            select(LedgerEntry.booking_id, func.count(LedgerEntry.id))
            .where(LedgerEntry.kind.in_([EntryKind.REFUND, EntryKind.FORFEIT]))
            .group_by(LedgerEntry.booking_id)
        ).all()
    )
    wrong = []
    for booking in db.session.scalars(select(Booking).where(Booking.session_id == session_id)):
        expected = 1 if booking.status is BookingStatus.CANCELLED else 0
        if entries.get(booking.id, 0) != 1 or settled.get(booking.id, 0) != expected:
            wrong.append(
                f"booking {booking.id} ({booking.status.value}): "
                f"{entries.get(booking.id, 0)} spends, {settled.get(booking.id, 0)} settlements"
            )
    return wrong


# --- the clock moves while a member waits for the lock --------------------------


@pytest.mark.parametrize("operation", ["confirm_hold", "book_now"])
def test_hold_that_lapses_while_its_owner_waits_for_the_lock_cannot_overbook(
    race, clock, monkeypatch, operation
):
    """Ana's hold is live when her request starts, but her request waits (for the
    write lock, a connection, the CPU) past its expiry; meanwhile Ben takes the
    freed last spot. Ana must be refused, not booked on top of Ben."""
    with race.context():
        session_id = _class_session(capacity=1)
        ana_id, ben_id = _members(2)
        ana = db.session.get(User, ana_id)
        hold_id = place_hold(session_id, ana, actor=ana).id

    arrived, go = threading.Event(), threading.Event()
    real_transaction = bookings.transaction

    @contextmanager
    def slow_transaction():
        if threading.current_thread().name == "ana":
            arrived.set()
            go.wait(timeout=30)
        with real_transaction() as session:
            yield session

    monkeypatch.setattr(bookings, "transaction", slow_transaction)
    outcome = []

    def ana_books():
        with race.context():
            ana = db.session.get(User, ana_id)
            try:
                if operation == "confirm_hold":
                    confirm_hold(hold_id, ana, actor=ana)
                else:
                    book_now(session_id, ana, actor=ana)
                outcome.append("booked")
            except BookingError as exc:
                outcome.append(str(exc))

    clock(NOW + timedelta(minutes=9, seconds=59))
    thread = threading.Thread(target=ana_books, name="ana")
    thread.start()
    assert arrived.wait(timeout=30)
    clock(NOW + timedelta(minutes=10, seconds=1))
    with race.context():
        ben = db.session.get(User, ben_id)
        place_hold(session_id, ben, actor=ben)
    go.set()
    thread.join(timeout=30)

    expected = "Your hold has expired. Try to book again." if operation == "confirm_hold" else FULL
    assert outcome == [expected]
    with race.context():
        assert _spots_taken(session_id) == 1


# --- one member, two ledger operations at once ----------------------------------


def test_cancelling_one_class_while_booking_another_does_not_deadlock_on_credit_lots(
    race, monkeypatch
):
    """A refund and a spend for the same member, in two classes (two session
    locks), lock the same credit lots. Spending locks them first-expiring first;
    a refund must take them in that same order, or the two wait on each other
    until PostgreSQL kills one as a deadlock (a 500)."""
    with race.context():
        one, two, other = (_class_session(5, credits=c) for c in (1, 2, 1))
        member_id = Factories(db).member().id
        with transaction():  # soon = X, later = Y
            for cc, days in ((200, 10), (500, 30)):
                ledger.grant(member_id, cc, NOW + timedelta(days=days), source=LotSource.PURCHASE)
        member = db.session.get(User, member_id)
        first = book_now(one, member, actor=member).id  # 1 credit from X
        # the three classes are at one time: the member books them anyway
        spanning = book_now(two, member, actor=member, overlap_ok=True).id  # 1 from X, 1 from Y
        cancel_booking(first, member, actor=member)  # X is back to 1 credit
        assert len(ledger.spend_for(spanning).allocations) == 2

    refund_started = threading.Event()
    real_allocate = ledger._allocate

    def allocate_then_pause(entry, lot, amount_cc):
        real_allocate(entry, lot, amount_cc)
        if threading.current_thread().name == "cancel" and not refund_started.is_set():
            refund_started.set()  # one lot of the refund is locked: let the booking in
            time.sleep(1.5)

    monkeypatch.setattr(ledger, "_allocate", allocate_then_pause)
    outcomes = {}

    def run(name, action):
        with race.context():
            member = db.session.get(User, member_id)
            try:
                action(member)
                outcomes[name] = "done"
            except BookingError as exc:
                outcomes[name] = str(exc)
            except Exception as exc:
                outcomes[name] = repr(exc).splitlines()[0]

    cancel = threading.Thread(
        target=run,
        name="cancel",
        args=("cancel", lambda m: cancel_booking(spanning, m, actor=m)),
    )
    book = threading.Thread(
        target=run,
        name="book",
        args=("book", lambda m: book_now(other, m, actor=m, overlap_ok=True)),
    )
    cancel.start()
    assert refund_started.wait(timeout=30)
    book.start()
    cancel.join(timeout=30)
    book.join(timeout=30)

    assert outcomes == {"cancel": "done", "book": "done"}
    with race.context():
        assert ledger.check_ledger() == []
        # all back but the new booking's credit
        assert ledger.balance(member_id) == 200 + 500 - 100


# --- lock waits that run out, and after-commit jobs -------------------------------


@pytest.mark.parametrize(
    ("race", "blocker", "message"),
    [
        ("postgresql", "class_sessions", BUSY),  # the engine's own lock
        ("sqlite", "database", BUSY_ELSEWHERE),  # the write lock, at BEGIN IMMEDIATE
    ],
    indirect=["race"],
)
def test_a_lock_wait_that_runs_out_tells_the_member_to_try_again(race, blocker, message):
    """Someone else holds a lock past the timeout (3 s on PostgreSQL, 5 s on SQLite):
    the member is told "busy, try again" and nothing is written."""
    with race.context():
        session_id = _class_session(capacity=5)
        (member_id,) = _members(1)
        member = db.session.get(User, member_id)
        db.session.commit()
        other = db.engine.connect()
        if blocker == "database":
            other = other.execution_options(sqlite_immediate=True)
        other.begin()
        if blocker != "database":
            other.execute(text(f"SELECT id FROM {blocker} FOR UPDATE"))
        try:
            with pytest.raises((BookingError, Busy)) as refused:
                place_hold(session_id, member, actor=member)
        finally:
            other.rollback()
            other.close()
        assert str(refused.value) == message
        assert _spots_taken(session_id) == 0


@pytest.mark.parametrize("race", ["sqlite"], indirect=True)
def test_booking_on_sqlite_with_inline_jobs_survives_a_write_landing_during_its_jobs(race):
    """Another member's write commits while the booking's inline job reads its
    outbox row: the job's bookkeeping must not then fail with "database is locked"
    (a 500 after the booking committed)."""
    with race.context():
        session_id = _class_session(capacity=5)
        member_id, other_id = _members(2)
        member = db.session.get(User, member_id)
        db.session.commit()
        other = sqlite3.connect(db.engine.url.database, isolation_level=None, timeout=0)

        def another_member_writes(conn, cursor, statement, *args):
            if statement.startswith("SELECT job_outbox.id"):
                # lands unless the job holds the write lock (then the other one waits)
                with contextlib.suppress(sqlite3.OperationalError):
                    other.execute("UPDATE users SET name = name || '.' WHERE id = ?", (other_id,))

        event.listen(db.engine, "after_cursor_execute", another_member_writes)
        try:
            booking = book_now(session_id, member, actor=member)
        finally:
            event.remove(db.engine, "after_cursor_execute", another_member_writes)
            other.close()
        assert booking.is_active
        assert (
            db.session.scalar(
                select(func.count(OutboxJob.id)).where(OutboxJob.status != OutboxStatus.DONE)
            )
            == 0
        )


# --- answers that need no lock, and waiters who share it ---------------------------


def _full_class() -> tuple[int, int, list[int]]:
    """A class of one spot, booked; returns it, its booking and two more members."""
    session_id = _class_session(capacity=1)
    booked, *others = _members(3)
    member = db.session.get(User, booked)
    booking = book_now(session_id, member, actor=member)
    return session_id, booking.id, others


@pytest.mark.parametrize("race", ["postgresql"], indirect=True)
def test_a_full_class_is_refused_at_once_while_someone_holds_its_lock(race):
    """Told "full" without queueing for the row lock (else: "busy" after 3 s)."""
    with race.context():
        session_id, _, (member_id, _) = _full_class()
        member = db.session.get(User, member_id)
        db.session.commit()
        other = db.engine.connect()
        other.begin()
        other.execute(text("SELECT id FROM class_sessions FOR UPDATE"))
        try:
            for tap in (book_now, place_hold):
                with pytest.raises(BookingError) as refused:
                    tap(session_id, member, actor=member)
                assert str(refused.value) == FULL
        finally:
            other.rollback()
            other.close()
        assert _spots_taken(session_id) == 1


@pytest.mark.parametrize("race", ["postgresql"], indirect=True)
def test_joining_a_waitlist_does_not_wait_for_another_joiner(race):
    """Joiners share the row's lock (FOR SHARE); freeing a spot waits for them,
    so the promotion that follows sees every joiner who got in."""
    with race.context():
        session_id, booking_id, (member_id, _) = _full_class()
        member = db.session.get(User, member_id)
        booked = db.session.get(Booking, booking_id).member
        db.session.commit()
        joiner = db.engine.connect()  # another member, mid-join
        joiner.begin()
        joiner.execute(text("SELECT id FROM class_sessions FOR SHARE"))
        try:
            entry = join_waitlist(session_id, member, actor=member)
            assert entry.member_id == member_id
            with pytest.raises(BookingError) as refused:  # waits out lock_timeout
                cancel_booking(booking_id, booked, actor=booked)
            assert str(refused.value) == BUSY
        finally:
            joiner.rollback()
            joiner.close()


def test_one_member_joining_from_five_places_at_once_gets_one_place(race):
    with race.context():
        session_id, _, (member_id, _) = _full_class()
        db.session.commit()

    def prepare(_index):
        return db.session.get(User, member_id)

    outcomes = _together(race, 5, prepare, lambda m: join_waitlist(session_id, m, actor=m).id)

    assert [kind for kind, _ in outcomes].count("ok") == 1, outcomes
    refusals = {value for kind, value in outcomes if kind == "refused"}
    assert refusals <= {"You're already on the waitlist for this class.", BUSY_ELSEWHERE}
    with race.context():
        open_places = db.session.scalar(
            select(func.count(WaitlistEntry.id)).where(WaitlistEntry.session_id == session_id)
        )
        assert open_places == 1
