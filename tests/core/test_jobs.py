"""The outbox: jobs survive a Redis outage and run exactly once."""

import threading
import time
from datetime import timedelta

import pytest
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import func, select, text

from app.accounts.models import Role
from app.accounts.services.accounts import create_account
from app.core import jobs
from app.core.db import transaction
from app.core.jobs import OutboxJob, OutboxStatus, enqueue_after_commit
from app.core.queue import job_queue, push
from app.extensions import db
from app.notifications.models import EmailStatus, SentEmail

DEAD_REDIS = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, socket_timeout=0.2)


def _work(connection) -> None:
    SimpleWorker([job_queue()], connection=connection).work(burst=True)


def _emails_to(address: str) -> list[SentEmail]:
    return list(db.session.scalars(select(SentEmail).where(SentEmail.to == address)))


def test_email_is_sent_exactly_once_when_redis_was_down_at_commit(
    app, committed, fake_redis, outbox
):
    admin = committed.admin()
    app.extensions["cupo_redis"] = DEAD_REDIS
    user = create_account(email="new@example.com", name="New", role=Role.MEMBER, actor=admin)

    job = db.session.scalar(select(OutboxJob).order_by(OutboxJob.id.desc()))
    assert job.status is OutboxStatus.PENDING  # stamped at commit, never reached the queue
    assert _emails_to(user.email) == [] and outbox == []

    app.extensions["cupo_redis"] = fake_redis  # Redis is back
    assert jobs.sweep_outbox(older_than=timedelta(0)) == 1
    _work(fake_redis)

    assert [m.recipients for m in outbox] == [["new@example.com"]]
    db.session.expire_all()
    assert db.session.get(OutboxJob, job.id).status is OutboxStatus.DONE
    assert [e.status for e in _emails_to(user.email)] == [EmailStatus.SENT]

    # a sweeper run and a duplicate push later change nothing
    assert jobs.sweep_outbox(older_than=timedelta(0)) == 0
    push(job.id)
    _work(fake_redis)
    assert len(outbox) == 1
    assert len(_emails_to(user.email)) == 1


def test_jobs_reach_the_queue_after_commit_when_redis_is_up(app, committed, fake_redis, outbox):
    admin = committed.admin()
    create_account(email="queued@example.com", name="Queued", role=Role.TRAINER, actor=admin)
    job = db.session.scalar(select(OutboxJob).order_by(OutboxJob.id.desc()))
    assert job.dispatched_at is not None
    assert outbox == []  # not sent by the web process
    _work(fake_redis)
    assert [m.recipients for m in outbox] == [["queued@example.com"]]


def test_a_queued_job_waiting_its_turn_is_not_sent_twice_by_the_sweeper(
    app, committed, fake_redis, outbox
):
    admin = committed.admin()
    create_account(email="backlog@example.com", name="Backlog", role=Role.TRAINER, actor=admin)

    assert jobs.sweep_outbox() == 0  # stamped at commit: not stale for two minutes
    _work(fake_redis)
    assert [m.recipients for m in outbox] == [["backlog@example.com"]]


def test_job_queued_in_a_rolled_back_transaction_never_runs(app, db, outbox):
    with pytest.raises(RuntimeError), transaction():
        enqueue_after_commit("accounts.send_password_reset", 1, "k" * 32)
        raise RuntimeError("boom")
    assert db.session.scalar(select(func.count(OutboxJob.id))) == 0
    assert outbox == []


def test_failing_inline_job_stays_pending_and_the_sweeper_retries_it(
    app, db, factories, monkeypatch, outbox
):
    member = factories.member()
    calls = []

    def flaky(user_id, key):
        calls.append(user_id)
        if len(calls) == 1:
            raise ConnectionError("smtp down")

    monkeypatch.setitem(
        jobs.registered_jobs(), "accounts.send_password_reset", "tests.core.test_jobs:_flaky"
    )
    monkeypatch.setattr("tests.core.test_jobs._flaky", flaky, raising=False)
    with transaction():
        job = enqueue_after_commit("accounts.send_password_reset", member.id, "key")
    db.session.expire_all()
    row = db.session.get(OutboxJob, job.id)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "smtp down" in row.last_error

    assert jobs.sweep_outbox(older_than=timedelta(0)) == 1
    db.session.expire_all()
    assert db.session.get(OutboxJob, job.id).status is OutboxStatus.DONE
    assert calls == [member.id, member.id]


def _flaky(*args):  # replaced per test
    raise AssertionError("not patched")


def test_job_is_marked_failed_after_the_last_attempt(app, db, factories, monkeypatch):
    monkeypatch.setitem(
        jobs.registered_jobs(), "accounts.send_password_reset", "tests.core.test_jobs:_flaky"
    )
    with transaction():
        job = enqueue_after_commit("accounts.send_password_reset", 1, "key")
    for _ in range(jobs.MAX_ATTEMPTS - 1):
        jobs.run_outbox_job(job.id)
    db.session.expire_all()
    row = db.session.get(OutboxJob, job.id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, jobs.MAX_ATTEMPTS)
    assert jobs.sweep_outbox(older_than=timedelta(0)) == 0


def test_unknown_job_name_is_refused(app, db):
    with pytest.raises(KeyError), transaction():
        enqueue_after_commit("no.such_job")


@pytest.mark.postgres
def test_sweepers_skip_rows_another_sweeper_holds(app, committed):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    with transaction():
        job = enqueue_after_commit("accounts.send_password_reset", 1, "key")
    db.session.execute(text("UPDATE job_outbox SET status = 'pending'"))
    db.session.commit()
    with db.engine.connect() as other:
        other.begin()
        other.execute(text("SELECT id FROM job_outbox WHERE id = :id FOR UPDATE"), {"id": job.id})
        assert jobs.claim_stale_jobs(older_than=timedelta(0)) == []
        other.rollback()
    assert jobs.claim_stale_jobs(older_than=timedelta(0)) == [job.id]


def _pending_row(name="accounts.send_password_reset", *args) -> OutboxJob:
    """An outbox row written straight to the database: nothing pushes or runs it."""
    job = OutboxJob(name=name, args=list(args) or [1, "key"])
    db.session.add(job)
    db.session.commit()
    return job


def _skip_unless_postgres():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two workers at once: PostgreSQL only (advisory locks)")


@pytest.mark.postgres
def test_a_second_run_of_a_job_still_running_leaves_it_to_the_first(app, committed, monkeypatch):
    _skip_unless_postgres()
    started, release, calls = threading.Event(), threading.Event(), []

    def slow(*args):  # a worker in the middle of sending
        calls.append(args)
        started.set()
        assert release.wait(10)

    monkeypatch.setitem(
        jobs.registered_jobs(), "accounts.send_password_reset", "tests.core.test_jobs:_flaky"
    )
    monkeypatch.setattr("tests.core.test_jobs._flaky", slow, raising=False)
    job = _pending_row()

    def first_worker():
        with app.app_context():
            jobs.run_outbox_job(job.id)

    first = threading.Thread(target=first_worker)
    first.start()
    assert started.wait(10)
    jobs.run_outbox_job(job.id)  # a second worker, given the same row again
    release.set()
    first.join(10)

    assert calls == [(1, "key")]
    db.session.expire_all()
    row = db.session.get(OutboxJob, job.id)
    assert (row.status, row.attempts) == (OutboxStatus.DONE, 1)


@pytest.mark.postgres
def test_a_job_whose_worker_died_runs_once_its_connection_is_gone(app, committed, monkeypatch):
    _skip_unless_postgres()
    calls = []
    monkeypatch.setitem(
        jobs.registered_jobs(), "accounts.send_password_reset", "tests.core.test_jobs:_flaky"
    )
    monkeypatch.setattr("tests.core.test_jobs._flaky", lambda *a: calls.append(a), raising=False)
    job = _pending_row()
    lock = text("SELECT pg_advisory_lock(:kind, :job)")
    dying = db.engine.connect()  # the killed worker's connection, lock held
    dying.execute(lock, {"kind": jobs._RUNNING_LOCK, "job": job.id})
    dying.commit()

    jobs.run_outbox_job(job.id)
    assert calls == []
    db.session.expire_all()
    assert db.session.get(OutboxJob, job.id).status is OutboxStatus.PENDING

    dying.invalidate()  # the worker is gone: PostgreSQL ends its session and lock
    dying.close()
    _wait_for_the_server_to_drop(job.id)
    jobs.run_outbox_job(job.id)
    assert calls == [(1, "key")]
    db.session.expire_all()
    assert db.session.get(OutboxJob, job.id).status is OutboxStatus.DONE


def _wait_for_the_server_to_drop(job_id: int) -> None:
    """A closed connection's backend exits a moment later, and its locks with it."""
    held = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        " AND classid = :kind AND objid = :job AND objsubid = 2"
    )
    for _ in range(50):
        with db.engine.connect() as conn:
            if not conn.scalar(held, {"kind": jobs._RUNNING_LOCK, "job": job_id}):
                return
        time.sleep(0.1)
    raise AssertionError("the dead connection's advisory lock was never released")
