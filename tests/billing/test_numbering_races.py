"""Races on invoice numbering (invariant 4): many real connections at once.

As in tests/booking/test_races.py, every test runs on two databases. On
PostgreSQL (TEST_DATABASE_URL, as in CI) the series row is locked FOR UPDATE;
without one configured that variant is skipped with the reason, and fails
under CI=true. On SQLite, a file of this module's own, writers queue at
BEGIN IMMEDIATE. Each thread pushes its own request context (own session,
own connection); a barrier releases them together. Jobs queued after commit
are left in the outbox (not rendered), so only numbering is raced.
"""

import threading
import traceback
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.billing.models import Invoice, InvoiceKind, ItemKind, Payment, PaymentMethod
from app.billing.services import invoices
from app.billing.services import payments as billing
from app.billing.services.payments import BillingError, Sale, record_payment, refund_payment
from app.core import audit
from app.core import jobs as core_jobs
from app.core.db import Busy
from app.core.jobs import OutboxJob
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CreditLot, Membership, Plan, PlanInterval, PlanKind
from tests.factories import Factories
from tests.races import Race

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
THREADS = 12
TOO_LITTLE = "The cash handed over must cover the total."


@pytest.fixture
def race(race, monkeypatch):
    """The shared race, with jobs left in the outbox (only numbering is raced)."""
    monkeypatch.setattr(core_jobs, "dispatch", lambda job_id: None)
    return race


# --- the gym ------------------------------------------------------------------------------


def _people(count: int) -> tuple[list[int], int, int]:
    """`count` member ids, a front desk id and an admin id."""
    factories = Factories(db)
    members = [factories.member().id for _ in range(count)]
    return members, factories.front_desk().id, factories.admin().id


def _pack() -> int:
    plan = Plan(
        name="Race pack",
        kind=PlanKind.CREDITS,
        interval=PlanInterval.NONE,
        credits_cc=1000,
        valid_days=60,
        price_minor=120_000,
    )
    db.session.add(plan)
    db.session.commit()
    return plan.id


def _numbers(kind: InvoiceKind = InvoiceKind.INVOICE) -> list[int]:
    numbers = db.session.scalars(
        select(Invoice.number).where(Invoice.kind == kind).order_by(Invoice.number)
    ).all()
    db.session.rollback()
    return list(numbers)


def _count(model) -> int:
    count = db.session.scalar(select(func.count()).select_from(model))
    db.session.rollback()
    return count


# --- running threads together -----------------------------------------------------------------


def _together(race: Race, count: int, act) -> list:
    """Run `act(i)` in `count` threads named "racer-i", released by one barrier.

    Returns one outcome per thread: ("ok", value), ("refused", message) for a
    BillingError or Busy, or ("error", traceback) for anything else.
    """
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(index):
        with race.context():
            try:
                db.session.connection()  # a connection of its own before the start
                db.session.commit()
                barrier.wait(timeout=60)
                outcomes[index] = ("ok", act(index))
            except (BillingError, Busy) as exc:
                outcomes[index] = ("refused", str(exc))
            except Exception:
                outcomes[index] = ("error", traceback.format_exc())

    threads = [
        threading.Thread(target=run, args=(i,), name=f"racer-{i}", daemon=True)
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return outcomes


def _errors(outcomes) -> list[str]:
    return [detail for kind, detail in outcomes if kind == "error"]


def _pay(member_id: int, desk_id: int, sale: Sale, **kwargs) -> int:
    """Record one payment; returns its invoice number."""
    payment = record_payment(
        member_id,
        [sale],
        method=kwargs.pop("method", PaymentMethod.CARD),
        actor=db.session.get(User, desk_id),
        **kwargs,
    )
    return payment.invoice.number


# --- numbers under a crowd ------------------------------------------------------------------


def test_payments_racing_take_every_number_from_one_to_n_exactly_once(race):
    with race.context():
        member_ids, desk_id, _admin_id = _people(THREADS)

    outcomes = _together(
        race,
        THREADS,
        lambda i: _pay(
            member_ids[i], desk_id, Sale(ItemKind.OTHER, description="Agua", price_minor=2_000)
        ),
    )

    assert _errors(outcomes) == []
    assert sorted(value for kind, value in outcomes if kind == "ok") == list(range(1, THREADS + 1))
    with race.context():
        assert _numbers() == list(range(1, THREADS + 1))
        assert _count(Payment) == THREADS
        assert _count(OutboxJob) == THREADS  # one render job per invoice


def test_payments_failing_mid_transaction_leave_no_gap(race, monkeypatch):
    """Half the payments are refused: cash too short (after the pack was
    delivered, before the number), or a crash after the number was taken.
    The others still number 1..k with no gap, and the failed ones wrote nothing."""
    with race.context():
        member_ids, desk_id, _admin_id = _people(THREADS)
        pack_id = _pack()
    real_enqueue = billing.enqueue_after_commit

    def enqueue_or_crash(name, *args):
        if threading.current_thread().name in {f"racer-{i}" for i in range(1, THREADS, 4)}:
            raise RuntimeError("the worker crashed after taking a number")
        return real_enqueue(name, *args)

    monkeypatch.setattr(billing, "enqueue_after_commit", enqueue_or_crash)

    def pay(index):
        short = index % 4 == 3  # and racers 1, 5, 9 crash after numbering
        return _pay(
            member_ids[index],
            desk_id,
            Sale(ItemKind.PACK, plan_id=pack_id),
            method=PaymentMethod.CASH,
            tendered_minor=119_999 if short else 120_000,
        )

    outcomes = _together(race, THREADS, pay)

    numbers = sorted(value for kind, value in outcomes if kind == "ok")
    refusals = [value for kind, value in outcomes if kind == "refused"]
    crashes = [detail for detail in _errors(outcomes) if "after taking a number" in detail]
    assert len(crashes) == 3 and len(_errors(outcomes)) == 3, _errors(outcomes)
    assert refusals == [TOO_LITTLE] * 3
    assert numbers == list(range(1, THREADS - 6 + 1))
    with race.context():
        assert _numbers() == numbers
        assert _count(Payment) == _count(Membership) == _count(CreditLot) == len(numbers)
        for index in range(THREADS):
            expected = 0 if index % 4 == 3 or index % 4 == 1 else 1000
            assert ledger.balance(member_ids[index]) == expected
        assert ledger.check_ledger() == []
        assert audit.verify() is None


def test_refunds_racing_number_credit_notes_from_one_to_n(race):
    with race.context():
        member_ids, desk_id, admin_id = _people(THREADS)
        payment_ids = []
        for member_id in member_ids:
            _pay(member_id, desk_id, Sale(ItemKind.OTHER, description="Agua", price_minor=2_000))
            payment_ids.append(db.session.scalar(select(func.max(Payment.id))))
        db.session.commit()

    def refund(index):
        admin = db.session.get(User, admin_id)
        return refund_payment(payment_ids[index], "Devolución", actor=admin).number

    outcomes = _together(race, THREADS, refund)

    assert _errors(outcomes) == []
    assert sorted(value for kind, value in outcomes if kind == "ok") == list(range(1, THREADS + 1))
    with race.context():
        assert _numbers(InvoiceKind.CREDIT_NOTE) == list(range(1, THREADS + 1))
        assert _numbers() == list(range(1, THREADS + 1))


def test_the_same_payment_refunded_at_once_by_many_gets_one_credit_note(race):
    with race.context():
        (member_id,), desk_id, admin_id = _people(1)
        pack_id = _pack()
        _pay(member_id, desk_id, Sale(ItemKind.PACK, plan_id=pack_id))
        payment_id = db.session.scalar(select(Payment.id))
        db.session.commit()

    def refund(index):
        admin = db.session.get(User, admin_id)
        return refund_payment(payment_id, f"Devolución {index}", actor=admin).number

    outcomes = _together(race, 6, refund)

    assert _errors(outcomes) == []
    assert [value for kind, value in outcomes if kind == "ok"] == [1]
    assert {value for kind, value in outcomes if kind == "refused"} <= {
        "This payment was already refunded or voided.",
        "Many people are doing this right now. Please try again.",
    }
    with race.context():
        assert _numbers(InvoiceKind.CREDIT_NOTE) == [1]
        assert ledger.balance(member_id) == 0
        assert ledger.check_ledger() == []


# --- lock order: the series row and the audit chain -----------------------------------------


@pytest.mark.parametrize("race", ["postgresql"], indirect=True)
def test_an_item_sale_and_a_pack_sale_at_once_do_not_deadlock(race, monkeypatch):
    """A pack (or plan, or drop-in) sale writes the audit entry of what it
    delivers before its invoice; an item-only sale numbers its invoice before
    its first audit entry. Both must take the series lock first, or each ends
    up holding the lock the other waits for (PostgreSQL: DeadlockDetected, a 500).
    The item sale pauses with its number taken for as long as the pack sale
    needs to reach the audit chain (it never does once the series is locked first)."""
    with race.context():
        (water_buyer, pack_buyer), desk_id, _admin_id = _people(2)
        pack_id = _pack()
        # the series row exists (invoice 1): the race is on its FOR UPDATE lock
        _pay(water_buyer, desk_id, Sale(ItemKind.OTHER, description="Agua", price_minor=2_000))
    numbered, audited = threading.Event(), threading.Event()
    real_next_number, real_record = invoices.next_number, audit.record

    def next_number(series):
        number = real_next_number(series)  # the series row is locked now
        if threading.current_thread().name == "water":
            numbered.set()
            audited.wait(timeout=1.5)  # the pack sale reaches the audit chain, or waits
        return number

    def record(*args, **kwargs):
        entry = real_record(*args, **kwargs)  # the audit chain is locked now
        if threading.current_thread().name == "pack":
            audited.set()
        return entry

    monkeypatch.setattr(invoices, "next_number", next_number)
    monkeypatch.setattr(audit, "record", record)
    outcomes = {}

    def run(name, member_id, sale):
        with race.context():
            try:
                outcomes[name] = ("ok", _pay(member_id, desk_id, sale))
            except Exception as exc:
                outcomes[name] = ("error", repr(exc).splitlines()[0])

    water = threading.Thread(
        target=run,
        name="water",
        args=("water", water_buyer, Sale(ItemKind.OTHER, description="Agua", price_minor=2_000)),
    )
    pack = threading.Thread(
        target=run, name="pack", args=("pack", pack_buyer, Sale(ItemKind.PACK, plan_id=pack_id))
    )
    water.start()
    assert numbered.wait(timeout=30)
    pack.start()
    water.join(timeout=60)
    pack.join(timeout=60)

    assert sorted(outcomes.values()) == [("ok", 2), ("ok", 3)], outcomes
