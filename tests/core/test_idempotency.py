"""Invariant 5: the same idempotency key twice changes nothing the second time."""

import pytest

from app.core.errors import AccessDenied, DomainError
from app.core.idempotency.services import IdempotencyError, purge_keys, run_once


def test_second_call_with_the_same_key_replays_the_first_result(db, factories):
    user = factories.member()
    calls = []

    def work():
        calls.append(1)
        return {"booking_id": len(calls)}

    first = run_once(user.id, "k1", "book", {"session": 1}, work)
    second = run_once(user.id, "k1", "book", {"session": 1}, work)
    assert first == second == {"booking_id": 1} and calls == [1]


def test_a_refusal_is_replayed_too(db, factories):
    user = factories.member()

    def refuse():
        raise DomainError("This class is full.")

    refused = {"error": "This class is full.", "field": None}
    assert run_once(user.id, "k2", "book", {}, refuse) == refused
    assert run_once(user.id, "k2", "book", {}, lambda: {"ok": True}) == refused


def test_a_crash_releases_the_key_so_a_retry_runs_again(db, factories):
    user = factories.member()

    def crash():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        run_once(user.id, "k-crash", "book", {}, crash)
    assert run_once(user.id, "k-crash", "book", {}, lambda: {"ok": True}) == {"ok": True}
    assert run_once(user.id, "k-crash", "book", {}, lambda: {"ok": False}) == {"ok": True}


def test_an_access_failure_is_not_stored_as_a_refusal(db, factories):
    user = factories.member()

    def forbidden():
        raise AccessDenied()

    with pytest.raises(AccessDenied):
        run_once(user.id, "k-403", "book", {}, forbidden)
    assert run_once(user.id, "k-403", "book", {}, lambda: {"ok": True}) == {"ok": True}


def test_same_key_with_other_parameters_is_refused(db, factories):
    user = factories.member()
    run_once(user.id, "k3", "book", {"session": 1}, lambda: {"ok": 1})
    with pytest.raises(IdempotencyError) as refused:
        run_once(user.id, "k3", "book", {"session": 2}, lambda: {"ok": 2})
    assert refused.value.status == 422


def test_keys_belong_to_their_user(db, factories):
    ana, ben = factories.member(), factories.member()
    run_once(ana.id, "same", "book", {}, lambda: {"who": "ana"})
    assert run_once(ben.id, "same", "book", {}, lambda: {"who": "ben"}) == {"who": "ben"}


def test_a_key_still_running_answers_409(db, factories):
    from app.core.db import transaction
    from app.core.idempotency.models import IdempotencyKey, KeyState
    from app.core.idempotency.services import fingerprint

    user = factories.member()
    with transaction():
        db.session.add(
            IdempotencyKey(
                user_id=user.id,
                key="busy",
                state=KeyState.RUNNING,
                fingerprint=fingerprint("book", {}),
            )
        )
    with pytest.raises(IdempotencyError) as refused:
        run_once(user.id, "busy", "book", {}, lambda: {})
    assert refused.value.status == 409


def test_old_keys_are_purged_after_48_hours(db, factories, clock):
    from datetime import UTC, datetime, timedelta

    user = factories.member()
    clock(datetime(2026, 12, 1, tzinfo=UTC))
    run_once(user.id, "old", "book", {}, lambda: {"n": 1})
    clock(datetime(2026, 12, 1, tzinfo=UTC) + timedelta(hours=49))
    assert purge_keys() == 1
    assert run_once(user.id, "old", "book", {}, lambda: {"n": 2}) == {"n": 2}
