"""Webhook deliveries racing each other: one payment, whatever arrives at once.

Same pattern as tests/booking/test_races.py (whose fixtures this reuses): on
PostgreSQL (TEST_DATABASE_URL, as in CI) the event and order rows are locked
FOR UPDATE; without it that variant is skipped, and fails under CI=true. The
SQLite variant always runs. Each thread posts through its own test client,
so it has its own app context, session and connection.
"""

# ruff: noqa: F811  (the imported fixtures are this module's test arguments)
import threading

import pytest
from sqlalchemy import func, select

from app.billing.models import EventStatus, Order, OrderStatus, Payment, WebhookEvent
from app.billing.services.orders import place_order
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import Plan, PlanInterval, PlanKind
from tests.billing.online_support import event, signed
from tests.factories import Factories

THREADS = 6


def _open_order(race, event_ids: list[str]) -> tuple[int, int, list[dict]]:
    """A member's open order for a 10-credit pack: (member id, order id, one
    payment.succeeded event body per id)."""
    with race.context():
        member = Factories(db).member()
        pack = Plan(
            name=f"Race pack {member.id}",
            kind=PlanKind.CREDITS,
            interval=PlanInterval.NONE,
            credits_cc=1000,
            valid_days=60,
            price_minor=120_000,
        )
        db.session.add(pack)
        db.session.commit()
        order = place_order(pack.id, actor=member)
        return member.id, order.id, [event(order, id=event_id) for event_id in event_ids]


def _deliver_together(race, bodies: list[dict]) -> list[int]:
    barrier = threading.Barrier(len(bodies))
    statuses: list[int | None] = [None] * len(bodies)

    def run(index):
        raw, headers = signed_in_context(race, bodies[index])
        client = race.app.test_client()
        barrier.wait(timeout=10)
        response = client.post("/billing/webhooks/sandbox", data=raw, headers=headers)
        statuses[index] = response.status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def signed_in_context(race, body):
    with race.context():
        return signed(body)


def _outcome(race, member_id: int, order_id: int):
    with race.context():
        payments = db.session.scalar(
            select(func.count()).select_from(Payment).where(Payment.member_id == member_id)
        )
        order = db.session.get(Order, order_id)
        events = db.session.scalars(select(WebhookEvent.status)).all()
        return payments, order.status, ledger.balance(member_id), events


@pytest.mark.parametrize("same_event_id", [True, False], ids=["same-event", "distinct-events"])
def test_concurrent_deliveries_make_exactly_one_payment(race, same_event_id):
    ids = ["evt_race" if same_event_id else f"evt_race_{i}" for i in range(THREADS)]
    member_id, order_id, bodies = _open_order(race, ids)

    statuses = _deliver_together(race, bodies)

    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses
    payments, status, balance, events = _outcome(race, member_id, order_id)
    assert (payments, status, balance) == (1, OrderStatus.PAID, 1000)
    if same_event_id:
        assert events == [EventStatus.PROCESSED]
    else:
        assert len(events) == statuses.count(200)
        assert set(events) <= {EventStatus.PROCESSED, EventStatus.RECEIVED}
