"""The jobs facade: an outbox in the database, RQ (or inline) after commit.

A service calls `enqueue_after_commit("notifications.deliver_email", 42)`.
The call writes an `OutboxJob` row in the service's own transaction; once it
commits, the row is pushed to RQ, or, with no Redis configured, run inline.
If Redis or the worker is down the row stays unconfirmed and the periodic
sweeper pushes it again. Every job is idempotent, so a repeat does no harm.

A row can reach the queue twice (the sweeper re-sends one whose first run
is slow or stuck behind a backlog; RQ retries one the sweeper re-sent too),
and two workers could then run it at once, both finding it pending: an
email would go out twice. A run therefore holds a PostgreSQL advisory lock
named after its row, on a connection of its own, and a second run that
cannot take it leaves the row to the first. The lock ends with that
connection, so a worker killed mid-job never leaves it held; the row stays
pending and the sweeper sends it again.

What remains at-least-once: a worker killed (or a database that fails)
after the mail server took a message but before its row was marked sent
sends it again on the next run; the message keeps its Message-ID
(`notifications.mime.recorded_message_id`), so mail services that drop a
repeated one show it once.
"""

import enum
import importlib
import logging
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, Text, and_, or_, select, text, update
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import str_enum, utc_now
from app.extensions import db

log = logging.getLogger(__name__)
_PENDING = "cupo_outbox_pending"
#: after this many failed runs a job is marked failed and left for a human
MAX_ATTEMPTS = 5
#: first key of the advisory lock a running outbox job holds ("JOBS"; the
#: second is the row's id)
_RUNNING_LOCK = 0x4A_4F_42_53

#: where an app keeps its job names → "module:function" (see `register_job`)
_REGISTRY = "cupo.jobs"


def register_job(app, name: str, target: str) -> None:
    """A domain's `init_app` declares job `name`, run as `target` ("module:function").

    The target is looked up when the job runs, so a worker imports only what it runs.
    """
    app.extensions.setdefault(_REGISTRY, {})[name] = target


def registered_jobs(app=None) -> dict[str, str]:
    return (app or current_app).extensions.get(_REGISTRY, {})


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class OutboxJob(db.Model):
    __tablename__ = "job_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a registered job name, e.g. "notifications.deliver_email"
    name: Mapped[str] = mapped_column(String(100))
    args: Mapped[list] = mapped_column(db.JSON, default=list)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: not to run before this (quiet hours, an email that waits to see whether
    #: its message is read); the sweeper hands it to the queue once it is due
    run_after: Mapped[datetime | None]
    #: last time it was handed to RQ; the sweeper re-sends stale ones
    dispatched_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


def enqueue_after_commit(name: str, *args, run_after: datetime | None = None) -> OutboxJob:
    """Record job `name(*args)` in the current transaction; run it after
    commit, or, with `run_after`, once the sweeper finds it due."""
    if name not in registered_jobs():
        raise KeyError(f"unknown job {name!r}")
    if run_after is not None:
        job = OutboxJob(name=name, args=list(args), run_after=run_after)
        db.session.add(job)
        db.session.flush()
        return job
    # stamped now, in the caller's transaction, rather than in one more
    # transaction after the push: a push that fails leaves the row for the
    # sweeper either way (it re-sends rows stamped longer ago than its cutoff)
    inline = current_app.config["JOBS_INLINE"]
    job = OutboxJob(name=name, args=list(args), dispatched_at=None if inline else utc_now())
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(job.id)
    return job


def discard_pending(session) -> None:
    session.info.pop(_PENDING, None)


def dispatch_pending(session) -> None:
    """Hand the jobs of the transaction that just committed to the queue."""
    for job_id in session.info.pop(_PENDING, []):
        dispatch(job_id)


def dispatch(job_id: int) -> None:
    """Push one outbox row to RQ, or run it now when jobs are inline.

    A queue that is down is logged, not raised: the row stays pending and
    the sweeper sends it later. The row was stamped as dispatched when it was
    written (`enqueue_after_commit`; the sweeper stamps what it re-sends), so
    no transaction follows the push.
    """
    if current_app.config["JOBS_INLINE"]:
        run_outbox_job(job_id)
        return
    from app.core.queue import push

    try:
        push(job_id)
    except Exception as exc:  # Redis down: the sweeper will retry
        log.warning("outbox job %s not pushed: %s", job_id, exc)


def run_outbox_job(job_id: int) -> None:
    """Run one outbox job unless it already ran or is running elsewhere;
    record the outcome.

    Each bookkeeping step is its own write transaction (BEGIN IMMEDIATE on
    SQLite), so a write landing in between cannot fail it. Raises whatever the
    job raised, so RQ can retry it; inline runs log it instead.
    """
    with _sole_run(job_id) as sole:
        if not sole:
            log.info("outbox job %s is running elsewhere: left to that run", job_id)
            return
        _run_once(job_id)


@contextmanager
def _sole_run(job_id: int):
    """Yield whether this is the only run of outbox row `job_id` now (see the
    module's docstring). PostgreSQL only: SQLite is for one machine and one
    worker, so there it is always yes."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = {"kind": _RUNNING_LOCK, "job": job_id}
    with db.engine.connect() as conn:
        sole = conn.scalar(text("SELECT pg_try_advisory_lock(:kind, :job)"), key)
        conn.commit()  # the lock is the session's: no transaction stays open
        try:
            yield sole
        finally:
            if sole:
                conn.execute(text("SELECT pg_advisory_unlock(:kind, :job)"), key)
                conn.commit()


def _run_once(job_id: int) -> None:
    from app.core.db import transaction

    with transaction():
        job = db.session.get(OutboxJob, job_id, with_for_update=True, populate_existing=True)
        if job is None or job.status is not OutboxStatus.PENDING:
            return
        job.attempts += 1
        name, args, attempts = job.name, list(job.args), job.attempts
    try:
        _resolve(name)(*args)
    except Exception as exc:
        db.session.rollback()
        gave_up = attempts >= MAX_ATTEMPTS
        _finish(job_id, OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING, error=repr(exc))
        if current_app.config["JOBS_INLINE"]:
            log.exception("inline job %s (%s) failed", job_id, name)
            return
        raise
    _finish(job_id, OutboxStatus.DONE)


def _finish(job_id: int, status: OutboxStatus, error: str | None = None) -> None:
    from app.core.db import transaction

    values = {"status": status, "last_error": error}
    if status is OutboxStatus.DONE:
        values["finished_at"] = utc_now()
    with transaction():
        db.session.execute(update(OutboxJob).where(OutboxJob.id == job_id).values(**values))


def _resolve(name: str):
    module_name, func_name = registered_jobs()[name].split(":")
    return getattr(importlib.import_module(module_name), func_name)


def claim_stale_jobs(older_than: timedelta = timedelta(minutes=2), limit: int = 500) -> list[int]:
    """Claim pending rows that were not handed to the queue recently, and
    held rows (`run_after`) that are now due.

    Rows are taken `FOR UPDATE SKIP LOCKED` and stamped as dispatched in the
    same transaction, so several sweepers never send the same row twice.
    """
    now = utc_now()
    cutoff = now - older_than
    due = or_(
        and_(OutboxJob.run_after.is_(None), OutboxJob.created_at <= cutoff),
        OutboxJob.run_after <= now,
    )
    query = (
        select(OutboxJob.id)
        .where(OutboxJob.status == OutboxStatus.PENDING)
        .where(due)
        .where((OutboxJob.dispatched_at.is_(None)) | (OutboxJob.dispatched_at <= cutoff))
        .order_by(OutboxJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    from app.core.db import transaction

    with transaction():
        ids = list(db.session.scalars(query))
        if ids:
            db.session.execute(
                update(OutboxJob).where(OutboxJob.id.in_(ids)).values(dispatched_at=utc_now())
            )
    return ids


def sweep_outbox(older_than: timedelta = timedelta(minutes=2)) -> int:
    """Re-dispatch jobs that were never confirmed; return how many."""
    ids = claim_stale_jobs(older_than)
    for job_id in ids:
        dispatch(job_id)
    return len(ids)
