"""Run an operation once per (user, idempotency key); replay its first result."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.db import Busy, transaction
from app.core.errors import DomainError
from app.core.idempotency.models import IdempotencyKey, KeyState
from app.core.models import utc_now
from app.extensions import db

KEY_MAX = 64


class IdempotencyError(DomainError):
    """The key was reused for something else (422) or is still running (409)."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


def fingerprint(operation: str, params: dict) -> str:
    payload = json.dumps([operation, params], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def run_once(
    user_id: int, key: str, operation: str, params: dict, work: Callable[[], dict]
) -> dict:
    """`work()`'s result the first time; the stored result for the same key after.

    `work` returns a JSON-able dict; a DomainError it raises is stored as
    {"error": message, "field": name} and replayed too. Any other exception
    (a crash, an access failure) leaves no key behind and is raised again, so
    a retry with the same key runs afresh. Raises IdempotencyError for a key
    reused with other parameters, or when a key from before this design
    still says it is running.

    One transaction does it all: the key's row is inserted first, then
    `work` runs inside the same transaction (its own `transaction()` blocks
    join it) and the result is written before the commit. A second request
    with the same key waits on the row's unique index until the first
    commits, then replays its result; it never runs `work` beside it.
    """
    key = (key or "").strip()[:KEY_MAX]
    if not key:
        return _run(work)
    fp = fingerprint(operation, params)
    try:
        return _first_run(user_id, key, fp, work)
    except _KeyTaken:
        pass
    existing = _find(user_id, key)
    if existing.fingerprint != fp:
        raise IdempotencyError(
            _("This form was already used for something else. Reload the page."), status=422
        )
    if existing.state is KeyState.RUNNING:
        raise IdempotencyError(_("Your first request is still being handled."), status=409)
    return existing.result


class _KeyTaken(Exception):
    """Another request stored this key first."""


def _first_run(user_id: int, key: str, fp: str, work) -> dict:
    try:
        with transaction():
            row = _claim(user_id, key, fp, KeyState.RUNNING)
            result = work()
            row.state, row.result = KeyState.DONE, result
        return result
    except DomainError as exc:  # rolled back: keep the refusal alone
        refusal = {"error": str(exc), "field": exc.field}
        try:
            with transaction():
                _claim(user_id, key, fp, KeyState.DONE, refusal)
        except Busy:  # a twin holds the key past lock_timeout: unstored, a retry runs again
            pass
        return refusal


def _claim(user_id: int, key: str, fp: str, state: KeyState, result=None) -> IdempotencyKey:
    """Insert the key's row now, or raise _KeyTaken when it exists."""
    row = IdempotencyKey(user_id=user_id, key=key, fingerprint=fp, state=state, result=result)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise _KeyTaken() from exc
    return row


def _run(work) -> dict:
    try:
        return work()
    except DomainError as exc:
        return {"error": str(exc), "field": exc.field}


def _find(user_id: int, key: str, *, lock: bool = False) -> IdempotencyKey | None:
    query = select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key
    )
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query.execution_options(populate_existing=True))


def purge_keys(older_than_hours: int = 48) -> int:
    """Delete keys older than `older_than_hours` (kept at least 24 h)."""
    with transaction():
        result = db.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.created_at < utc_now() - timedelta(hours=older_than_hours)
            )
        )
    return result.rowcount
