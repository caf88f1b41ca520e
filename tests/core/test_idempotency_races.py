"""The same idempotency key sent twice at once, on real connections (see
tests/races.py): the work runs once, and the second request waits for the
first and replays its result instead of running beside it."""

import threading
import time
import traceback

from sqlalchemy import func, select

from app.core.db import transaction
from app.core.errors import DomainError
from app.core.idempotency.models import IdempotencyKey, KeyState
from app.core.idempotency.services import run_once
from app.extensions import db
from tests.factories import Factories

PATIENCE = 10


def _member_id(race) -> int:
    with race.context():
        return Factories(db).member().id


def _twins(race, user_id: int, work) -> list:
    """Send the same key from two threads, the second a moment after the first."""
    results: list = [None, None]
    errors: list[str] = []
    start = threading.Barrier(2)

    def send(slot: int) -> None:
        try:
            with race.context():
                start.wait(timeout=PATIENCE)
                time.sleep(0.05 * slot)  # the first is inside its work when the second comes
                results[slot] = run_once(user_id, "twin", "pay", {"amount": 10}, work)
        except Exception:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE * 2)
    assert not errors, errors[0]
    return results


def test_a_twin_request_waits_and_replays_instead_of_running_the_work_again(race):
    user_id = _member_id(race)
    runs = []

    def slow_work():
        runs.append(threading.get_ident())
        time.sleep(0.4)
        return {"payment": len(runs)}

    first, second = _twins(race, user_id, slow_work)

    assert len(runs) == 1
    assert first == second == {"payment": 1}
    with race.context():
        row = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id))
        assert (row.state, row.result) == (KeyState.DONE, {"payment": 1})


def test_work_and_key_commit_together_so_a_refusal_leaves_only_the_refusal(race):
    user_id = _member_id(race)

    def write_then_refuse():
        with transaction():
            db.session.add(
                IdempotencyKey(
                    user_id=user_id, key="inner", fingerprint="x" * 64, state=KeyState.DONE
                )
            )
            db.session.flush()
            raise DomainError("No more spots.")

    with race.context():
        refused = run_once(user_id, "outer", "book", {}, write_then_refuse)
        keys = db.session.scalars(
            select(IdempotencyKey.key).where(IdempotencyKey.user_id == user_id)
        ).all()
        assert refused == {"error": "No more spots.", "field": None}
        assert keys == ["outer"]  # the work's own write rolled back with it
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
