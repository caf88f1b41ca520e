"""The booking storm's job side: the RQ worker as the Procfile runs it, and,
for `--kill-worker`, the check that nothing is lost when it dies.

With --kill-worker the worker is SIGKILLed halfway through the first race
(whatever job it was running dies with it, its outbox row left pending) and
a new one starts a few seconds later, as a process supervisor would start
it. Only the worker's own process is killed, as the kernel's OOM killer
would: the scheduler process it forked (`--with-scheduler`) lives on with a
copy of its Redis connection, so Redis can still hand the next queued job to
the dead worker's blocked dequeue, where it waits in RQ's intermediate queue
for RQ's own clean-up (minutes later). The old process group is ended when
the bench stops. `rq cron jobs/schedule.py` runs beside them, as the Procfile's
`scheduler` line does, so the outbox sweeper re-sends rows nobody finished
(after its two-minute cutoff). Once the outbox is drained, every confirmed
booking must have exactly one confirmation email recorded as sent.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.support import ROOT

#: as the Procfile: jobs run in the worker's own process, which keeps the app
#: it built (RQ's default forks a fresh process, and so a new app, per job)
WORKER_CLASS = ("--worker-class", "rq.worker.SimpleWorker")


def _rq() -> str:
    return shutil.which("rq", path=str(Path(sys.executable).parent)) or "rq"


def _spawn(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """`command` in a process group of its own (its children can be ended with it)."""
    with open(log, "w") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def end_group(process: subprocess.Popen, grace: float = 30) -> None:
    """End `process`'s group (the process and what it forked, even once the
    process itself is gone): SIGTERM, then SIGKILL what is left after `grace`."""
    group = process.pid  # the group's id: the process led it (start_new_session)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        process.poll()  # reaps our child; an orphan of the group is init's
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    process.wait(timeout=5)


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    """A real RQ worker, as the Procfile's `worker` line."""
    command = [_rq(), "worker", "--url", env["REDIS_URL"], *WORKER_CLASS, "--with-scheduler"]
    return _spawn([*command, "cupo"], env, log)


def start_scheduler(env: dict, log: Path) -> subprocess.Popen:
    """`rq cron jobs/schedule.py`, as the Procfile's `scheduler` line: it
    queues the periodic jobs, the outbox sweeper among them (every minute)."""
    return _spawn([_rq(), "cron", "--url", env["REDIS_URL"], "jobs/schedule.py"], env, log)


class Worker:
    """The RQ worker; `kill` SIGKILLs it once and starts a new one later."""

    def __init__(self, env: dict, work: Path):
        self.env, self.work = env, work
        self.process = start_worker(env, work / "rq.log")
        self.dead: list[subprocess.Popen] = []
        self.killed = threading.Event()
        self._restart: threading.Timer | None = None

    def kill(self, restart_after: float) -> None:
        """SIGKILL the worker (the first call only); a new one starts
        `restart_after` seconds later. Safe to call from any thread."""
        if self.killed.is_set():
            return
        self.killed.set()
        self.process.kill()  # SIGKILL, the worker's process only
        self.process.wait()
        self.dead.append(self.process)
        self._restart = threading.Timer(restart_after, self._start_again)
        self._restart.start()

    def _start_again(self) -> None:
        self.process = start_worker(self.env, self.work / "rq-restarted.log")

    def restarted(self) -> None:
        """Wait until the new worker has been started, if one is due."""
        if self._restart is not None:
            self._restart.join()

    def stop(self) -> None:
        """End the worker, and what a killed one left running."""
        self.restarted()
        for process in [*self.dead, self.process]:
            end_group(process)


def drain(dsn: str, timeout: float = 600) -> tuple[int, float]:
    """Wait until the outbox has no pending job; (jobs done, seconds waited)."""
    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.perf_counter() - started < timeout:
            pending, done = conn.execute(
                "SELECT count(*) FILTER (WHERE status = 'pending'),"
                " count(*) FILTER (WHERE status = 'done') FROM job_outbox"
            ).fetchone()
            if not pending:
                break
            time.sleep(0.5)
    return done, time.perf_counter() - started


@dataclass
class Confirmations:
    confirmed: int  # confirmed bookings
    emails: int  # booking_confirmed emails recorded as sent
    missing: int  # bookings short of their email, summed over members
    duplicates: int  # emails beyond one per booking, summed over members
    swept: int  # outbox jobs the sweeper sent again
    rerun: int  # outbox jobs that started more than once (a worker died under them)
    unfinished: int  # outbox jobs not done (pending or failed)


def confirmations(dsn: str) -> Confirmations:
    """Confirmed bookings against the confirmation emails recorded as sent.

    A sent email's context (which held the booking's id) is cleared once
    sent, so both are counted per member: a member with two bookings must
    have two emails.
    """
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            """WITH booked AS (SELECT member_id AS id, count(*) AS n FROM bookings
                                WHERE status = 'confirmed' GROUP BY member_id),
                    sent AS (SELECT user_id AS id, count(*) AS n FROM sent_emails
                              WHERE template = 'booking_confirmed' AND status = 'sent'
                              GROUP BY user_id)
               SELECT coalesce(booked.n, 0), coalesce(sent.n, 0)
                 FROM booked FULL JOIN sent ON sent.id = booked.id"""
        ).fetchall()
        swept, rerun, unfinished = conn.execute(
            # the sweeper stamps what it re-sends; a first push is stamped at creation
            "SELECT count(*) FILTER (WHERE dispatched_at > created_at + interval '1 minute'),"
            " count(*) FILTER (WHERE attempts > 1),"
            " count(*) FILTER (WHERE status <> 'done') FROM job_outbox"
        ).fetchone()
    return Confirmations(
        confirmed=sum(booked for booked, _ in rows),
        emails=sum(sent for _, sent in rows),
        missing=sum(max(0, booked - sent) for booked, sent in rows),
        duplicates=sum(max(0, sent - booked) for booked, sent in rows),
        swept=swept,
        rerun=rerun,
        unfinished=unfinished,
    )
