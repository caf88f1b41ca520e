"""Run an operation once per (user, idempotency key); replay its first result."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.db import transaction
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
    (a crash, an access failure) releases the key and is raised again, so a
    retry with the same key runs afresh. Raises IdempotencyError for a key
    reused with other parameters, or while its first request still runs.
    """
    key = (key or "").strip()[:KEY_MAX]
    if not key:
        return _run(work)
    fp = fingerprint(operation, params)
    existing = _find(user_id, key)
    if existing is None:
        try:
            with transaction():
                db.session.add(
                    IdempotencyKey(user_id=user_id, key=key, fingerprint=fp, state=KeyState.RUNNING)
                )
        except IntegrityError:
            db.session.rollback()
            existing = _find(user_id, key)
        else:
            try:
                result = _run(work)
            except BaseException:
                _release(user_id, key)
                raise
            with transaction():
                row = _find(user_id, key, lock=True)
                row.state, row.result = KeyState.DONE, result
            return result
    if existing.fingerprint != fp:
        raise IdempotencyError(
            _("This form was already used for something else. Reload the page."), status=422
        )
    if existing.state is KeyState.RUNNING:
        raise IdempotencyError(_("Your first request is still being handled."), status=409)
    return existing.result


def _run(work) -> dict:
    try:
        return work()
    except DomainError as exc:
        return {"error": str(exc), "field": exc.field}


def _release(user_id: int, key: str) -> None:
    """Forget a key whose work crashed, so its retry is not refused as running."""
    db.session.rollback()
    with transaction():
        db.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.user_id == user_id, IdempotencyKey.key == key
            )
        )


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
