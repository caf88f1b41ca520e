"""The periodic schedule loads in RQ's cron scheduler and runs the sweeper."""

from datetime import timedelta
from pathlib import Path

import fakeredis
from rq.cron import CronScheduler
from sqlalchemy import select

from app.core.db import transaction
from app.core.jobs import OutboxJob, OutboxStatus, enqueue_after_commit
from app.core.models import utc_now
from jobs import runner

SCHEDULE = Path(__file__).resolve().parents[2] / "jobs" / "schedule.py"


def test_schedule_registers_the_outbox_sweeper_every_minute():
    scheduler = CronScheduler(connection=fakeredis.FakeRedis())
    scheduler.load_config_from_file(str(SCHEDULE))
    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    assert jobs["jobs.runner.sweep_outbox"].interval == 60
    assert jobs["jobs.runner.sweep_outbox"].queue_name == "cupo"
    assert jobs["jobs.runner.fill_timetable_horizon"].cron == "10 6 * * *"


def test_sweeper_entry_point_runs_outbox_rows_left_behind(app, db):
    with transaction():
        job = enqueue_after_commit("accounts.send_password_reset", 10**6, "key")
    long_ago = utc_now() - timedelta(minutes=10)
    db.session.execute(
        OutboxJob.__table__.update().values(
            status=OutboxStatus.PENDING.value, created_at=long_ago, dispatched_at=None
        )
    )
    runner.sweep_outbox()
    row = db.session.scalar(select(OutboxJob).where(OutboxJob.id == job.id))
    db.session.refresh(row)
    assert row.status is OutboxStatus.DONE
