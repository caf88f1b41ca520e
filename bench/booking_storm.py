"""Race members for the spots of classes over HTTP, and print the figures.

    .venv/bin/python bench/booking_storm.py [--raw] [--scenario hot|spread|both]
        [--members 500] [--spots 20] [--idle 100] [--inline-jobs] [--profile FILE]
        [--kill-worker] [--restart-after 5] [--database cupo_storm] [--redis URL]

Runs the app as `Procfile` does: gunicorn with `gunicorn.conf.py` (its
worker class, workers and threads; --worker-class, --workers and --threads
override them), Redis on 127.0.0.1 for jobs and rate limits, and a real RQ
worker, so emails are queued, not sent inside the request. --inline-jobs
keeps the old shape (no Redis: jobs run inside the request, limits counted
per worker). Needs PostgreSQL on 127.0.0.1 (user postgres, trust auth;
--server to change) and Redis (--redis). The script drops and creates the
database `cupo_storm`, migrates it, seeds the members (with credits, and a
cheap password hash: signing in is not what is measured) and the classes,
signs every member in with a real session and CSRF token, then releases
them together: each taps "book" and, told the class is full, joins the
waitlist. Then it counts what the database holds.

Scenarios: **hot**, N members for one class of K spots (the race when a
popular class opens); **spread**, 2,000 members booking across 100 classes
that open at the same minute (15 spots each, so each class fills too).

First, --idle M members book a roomy class one after another (the
latency of one tap on a quiet server). Printed for each race: confirmed,
waitlisted, overbooked (must be 0), 5xx responses, requests per second
and p50/p95/p99 latency of the race, the CPU seconds the app, the client,
PostgreSQL and the rest spent during it (bench/cpu.py: where the two cores
went), and the statements one book request runs. --raw also runs the hold
transaction as plain SQL through psycopg (lock the session row, count,
insert a hold, commit) on classes of the same shape (one class; the same
100), and prints its throughput and the ratio app/raw. Then the time the RQ worker took to
send the emails. --profile FILE writes a pyinstrument profile of one worker
during the races (bench/profiled_wsgi.py). Exits 1 if anything was
overbooked or answered 5xx.

--kill-worker checks that nothing is lost (bench/storm_jobs.py): the RQ
worker is SIGKILLed when half the members of the first race have their
answer, a new one starts --restart-after seconds later, `rq cron` runs the
outbox sweeper beside them, and once the outbox is drained the script prints
confirmed bookings, confirmation emails recorded as sent, missing and
duplicates; it exits 1 on any missing or duplicate email. Draining waits for
the sweeper's two-minute cutoff when a job died with the worker.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    import flask  # noqa: F401
    import httpx
    import psycopg
except ImportError:  # a fresh clone: bin/setup builds .venv, then run again inside it
    if os.environ.get("CUPO_STORM_SETUP"):
        raise
    os.environ["CUPO_STORM_SETUP"] = "1"
    command = f'source "{ROOT}/bin/setup" && exec python "$0" "$@"'
    os.execvp("bash", ["bash", "-c", command, str(Path(__file__).resolve()), *sys.argv[1:]])

from bench import cpu  # noqa: E402
from bench.storm_jobs import Worker, confirmations, drain, end_group, start_scheduler  # noqa: E402
from bench.support import (  # noqa: E402
    CSRF,
    app_env,
    free_port,
    fresh_database,
    sqlalchemy_url,
    start_gunicorn,
)

PASSWORD = "storm-password-2026"
FULL = "This class is full."


def _args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=("hot", "spread", "both"), default="both")
    parser.add_argument("--members", type=int, default=500, help="hot: N members racing")
    parser.add_argument("--spots", type=int, default=20, help="hot: K spots in the class")
    parser.add_argument("--spread-members", type=int, default=2000)
    parser.add_argument("--spread-classes", type=int, default=100)
    parser.add_argument("--spread-spots", type=int, default=15)
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py)")
    parser.add_argument("--worker-class", help="sync, gthread... (gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per worker (gunicorn.conf.py)")
    parser.add_argument("--concurrency", type=int, help="client threads (default: N)")
    parser.add_argument("--path", default="/app/sessions/{id}/book", help="the book button")
    parser.add_argument("--waitlist-path", default="/app/sessions/{id}/waitlist")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cupo_storm")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="emptied first")
    parser.add_argument("--inline-jobs", action="store_true", help="no Redis, no RQ worker")
    parser.add_argument("--raw", action="store_true", help="also time the hold as plain SQL")
    parser.add_argument("--raw-connections", type=int, default=50, help="for --raw")
    parser.add_argument("--profile", metavar="FILE", help="pyinstrument profile of one worker")
    parser.add_argument(
        "--idle", type=int, default=100, help="first: M members book one at a time (0: skip)"
    )
    parser.add_argument(
        "--kill-worker", action="store_true", help="SIGKILL the RQ worker mid-race; count emails"
    )
    parser.add_argument(
        "--restart-after", type=float, default=5, help="--kill-worker: seconds before a new one"
    )
    return parser.parse_args()


# --- database ---------------------------------------------------------------------


@dataclass
class Seeded:
    app: object
    people: list  # (member id, email)
    hot: int  # the class of the hot race
    hot_raw: int  # ... and of its raw baseline
    spread: list  # the classes of the spread race
    spread_raw: list  # ... and of its raw baseline
    counted: int  # an idle class: the statements of one book request
    idle: int  # three hours later, room for everyone: one member at a time


def _seed(database_url: str, args) -> Seeded:
    """Members with credits, and the classes of each race and of its raw baseline."""
    from argon2 import PasswordHasher

    from app import create_app
    from app.accounts.models import Role, User
    from app.core.db import transaction
    from app.extensions import db
    from app.memberships import ledger
    from app.memberships.models import CC, LotSource
    from app.scheduling.models import ClassType, Room
    from app.scheduling.services.sessions import create_session
    from app.trainers.models import Trainer

    members = max(args.members, args.spread_members if args.scenario != "hot" else 0)
    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        # a cheap hash (verify uses the hash's own cost): signing in is not measured
        password_hash = PasswordHasher(time_cost=1, memory_cost=1024).hash(PASSWORD)
        admin = User(email="admin@cupo.bench", name="Storm Admin", role=Role.ADMIN)
        people = [
            User(
                email=f"member{i}@cupo.bench",
                name=f"Member {i}",
                role=Role.MEMBER,
                language="en",
                password_hash=password_hash,
            )
            for i in range(1, members + 1)
        ]
        # books one idle class while the statements are counted, nothing else
        counter = User(
            email="counter@cupo.bench",
            name="Statement Counter",
            role=Role.MEMBER,
            language="en",
            password_hash=password_hash,
        )
        db.session.add_all([admin, counter, *people])
        db.session.commit()
        spin = ClassType(name="Storm spin", credits_required=1)
        db.session.add(spin)
        db.session.commit()
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
        made = 0

        def classes(count: int, spots: int, later: timedelta = timedelta(0)) -> list[int]:
            """`count` classes at the same minute, each with its own room and trainer."""
            nonlocal made
            ids = []
            for _ in range(count):
                made += 1
                coach = User(
                    email=f"coach{made}@cupo.bench", name=f"Coach {made}", role=Role.TRAINER
                )
                trainer, room = Trainer(user=coach), Room(name=f"Studio {made}", capacity=100)
                db.session.add_all([coach, trainer, room])
                db.session.commit()
                values = {
                    "class_type_id": spin.id,
                    "trainer_id": trainer.id,
                    "room_id": room.id,
                    "starts_at": starts + later,
                    "capacity": spots,
                }
                ids.append(create_session(values, actor=admin).id)
            return ids

        hot, hot_raw, counted = classes(3, args.spots)
        (idle,) = classes(1, 100, later=timedelta(hours=3))
        count = 0 if args.scenario == "hot" else args.spread_classes
        spread = classes(count, args.spread_spots)
        spread_raw = classes(count, args.spread_spots)
        expires = datetime.now(UTC) + timedelta(days=60)
        with transaction():
            for person in [counter, *people]:
                ledger.grant(person.id, 5 * CC, expires, source=LotSource.PURCHASE)
        return Seeded(
            app=app,
            people=[(person.id, person.email) for person in people],
            hot=hot,
            hot_raw=hot_raw,
            spread=spread,
            spread_raw=spread_raw,
            counted=counted,
            idle=idle,
        )


# --- the app under gunicorn ---------------------------------------------------------


def _gunicorn_command(args, port: int, log: Path) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    command += ["--error-logfile", str(log)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    if args.threads:
        command += ["--threads", str(args.threads)]
    return [*command, "bench.profiled_wsgi:profiled" if args.profile else "wsgi:app"]


def _gunicorn_shape(command: list[str]) -> str:
    """What the command runs, as gunicorn reads gunicorn.conf.py and the flags."""
    import runpy

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    flags = dict(zip(command, command[1:], strict=False))
    workers = flags.get("--workers", conf["workers"])
    worker_class = flags.get("--worker-class", conf["worker_class"])
    threads = flags.get("--threads", conf["threads"])
    return f"gunicorn {workers} {worker_class} workers x {threads} threads"


# --- members over HTTP ---------------------------------------------------------------


class Member:
    """One phone: its own cookie jar, signed in, holding the page's CSRF token."""

    def __init__(self, base: str, member_id: int, email: str):
        self.member_id, self.email = member_id, email
        self.client = httpx.Client(
            base_url=base,
            cookies={"cupo_lang": "en"},
            timeout=120,
            follow_redirects=False,
            # as a browser: never reuse a connection gunicorn may have closed
            # (its keep-alive is 2 s), which would fail the request unanswered
            limits=httpx.Limits(keepalive_expiry=1),
        )
        self.token = ""

    def _token_from(self, path: str) -> str:
        page = self.client.get(path)
        match = CSRF.search(page.text)
        if page.status_code != 200 or not match:
            raise RuntimeError(f"{self.email}: no CSRF token on {path} ({page.status_code})")
        return match.group(1)

    def sign_in(self) -> None:
        response = self.client.post(
            "/login",
            data={
                "email": self.email,
                "password": PASSWORD,
                "csrf_token": self._token_from("/login"),
            },
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.email}: sign-in answered {response.status_code}")
        self.token = self._token_from("/app/profile")

    def tap(self, path: str):
        """POST one booking button; (status, seconds, flashed messages)."""
        data = {"csrf_token": self.token, "idempotency_key": uuid.uuid4().hex}
        started = time.perf_counter()
        try:
            status = self.client.post(path, data=data).status_code
        except httpx.HTTPError as exc:  # no answer at all: counted with the 5xx
            return 599, time.perf_counter() - started, [f"no answer ({type(exc).__name__})"]
        return status, time.perf_counter() - started, self.flashes()

    def flashes(self) -> list[str]:
        cookie = self.client.cookies.get("session")
        try:
            data = SESSION_SERIALIZER.loads(cookie) if cookie else {}
        except Exception:  # unreadable: counted as "other"
            return []
        return [message for _, message in data.get("_flashes", [])]


SESSION_SERIALIZER = None


def _sign_in_all(base: str, people, threads: int) -> list[Member]:
    members = [Member(base, member_id, email) for member_id, email in people]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(Member.sign_in, members))
    return members


def _race(pairs: list[tuple[Member, int]], args, halfway=None) -> dict:
    """Each member taps "book" on their class (and joins its waitlist when told
    it is full), all released together; `halfway()` is called once half of
    them have their answer."""
    gate, lock = threading.Event(), threading.Lock()
    figures = {"latencies": [], "statuses": [], "outcomes": []}
    answered = []

    def run(pair):
        member, session_id = pair
        gate.wait()
        status, seconds, said = member.tap(args.path.format(id=session_id))
        calls = [(status, seconds)]
        if FULL in said:
            status, seconds, said = member.tap(args.waitlist_path.format(id=session_id))
            calls.append((status, seconds))
            joined = any(m.startswith("You're on the waitlist") for m in said)
            outcome = "waitlisted" if joined else None
        else:
            outcome = "booked" if any("You're in" in m for m in said) else None
        outcome = outcome or (said[-1] if said else f"HTTP {status}")
        with lock:
            figures["latencies"] += [seconds for _, seconds in calls]
            figures["statuses"] += [status for status, _ in calls]
            figures["outcomes"].append(outcome)
            answered.append(member)
            at_half = len(answered) == len(pairs) // 2
        if at_half and halfway is not None:
            halfway()

    with ThreadPoolExecutor(min(args.concurrency or len(pairs), 500)) as pool:
        futures = [pool.submit(run, pair) for pair in pairs]
        time.sleep(0.5)  # the threads are parked at the gate
        cpu_before = cpu.snapshot()
        started = time.perf_counter()
        gate.set()
        for future in futures:
            future.result()
        figures["seconds"] = time.perf_counter() - started
        figures["cpu"] = cpu.spent(cpu_before, cpu.snapshot())
    return figures


def _count(dsn: str, session_ids: list[int]) -> dict:
    """What the database holds for these classes; overbooked summed over them."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            """SELECT s.capacity,
                      (SELECT count(*) FROM bookings b WHERE b.session_id = s.id
                         AND b.status = 'confirmed'),
                      (SELECT count(*) FROM holds h WHERE h.session_id = s.id
                         AND h.status = 'active' AND h.expires_at > now()),
                      (SELECT count(*) FROM waitlist_entries w WHERE w.session_id = s.id
                         AND w.status IN ('waiting', 'offered'))
                 FROM class_sessions s WHERE s.id = ANY(%(ids)s)""",
            {"ids": session_ids},
        ).fetchall()
    counted = {"confirmed": 0, "held": 0, "waiting": 0, "overbooked": 0}
    for capacity, confirmed, held, waiting in rows:
        counted["confirmed"] += confirmed
        counted["held"] += held
        counted["waiting"] += waiting
        counted["overbooked"] += max(0, confirmed + held - capacity)
    return counted


# --- the same hold as plain SQL --------------------------------------------------------

RAW_HOLD = [
    "SET LOCAL lock_timeout = '3s'",
    "SELECT capacity FROM class_sessions WHERE id = %(session)s FOR UPDATE",
    """SELECT (SELECT count(*) FROM bookings WHERE session_id = %(session)s
                 AND status = 'confirmed')
            + (SELECT count(*) FROM holds WHERE session_id = %(session)s
                 AND status = 'active' AND expires_at > now()),
              EXISTS (SELECT 1 FROM holds WHERE session_id = %(session)s
                 AND member_id = %(member)s AND status = 'active' AND expires_at > now())""",
    """INSERT INTO holds (session_id, member_id, status, expires_at, is_priority, created_at)
       VALUES (%(session)s, %(member)s, 'active', now() + interval '10 minutes', false, now())""",
]


def _connect_up_to(dsn: str, wanted: int) -> list:
    """Up to `wanted` connections: as many as the server still accepts."""
    conns = []
    for _ in range(wanted):
        try:
            conns.append(psycopg.connect(dsn))
        except psycopg.OperationalError:  # max_connections reached
            break
    if not conns:
        sys.exit("--raw: PostgreSQL accepts no more connections")
    return conns


def _raw_race(dsn: str, pairs: list[tuple[int, int]], connections: int) -> dict:
    """`connections` psycopg connections share the (member, class) hold attempts."""
    conns = _connect_up_to(dsn, max(1, min(connections, len(pairs))))
    shares = [pairs[i :: len(conns)] for i in range(len(conns))]
    gate, lock = threading.Event(), threading.Lock()
    tally = {"held": 0, "full": 0, "busy": 0}

    def run(conn, share):
        counts = dict.fromkeys(tally, 0)
        gate.wait()
        for member_id, session_id in share:
            params = {"session": session_id, "member": member_id}
            try:
                with conn.transaction():
                    conn.execute(RAW_HOLD[0])
                    (capacity,) = conn.execute(RAW_HOLD[1], params).fetchone()
                    taken, holding = conn.execute(RAW_HOLD[2], params).fetchone()
                    if taken >= capacity or holding:
                        counts["full"] += 1
                        continue
                    conn.execute(RAW_HOLD[3], params)
                    counts["held"] += 1
            except psycopg.errors.LockNotAvailable:
                counts["busy"] += 1
        with lock:
            for key, value in counts.items():
                tally[key] += value

    threads = [threading.Thread(target=run, args=pair) for pair in zip(conns, shares, strict=True)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)  # every thread is parked at the gate
    started = time.perf_counter()
    gate.set()
    for thread in threads:
        thread.join()
    tally["seconds"] = time.perf_counter() - started
    tally["connections"] = len(conns)
    for conn in conns:
        conn.close()
    return tally


# --- report ------------------------------------------------------------------------------


def _ms(values: list[float], percent: int) -> str:
    if len(values) < 2:
        return f"{values[0] * 1000:.0f}" if values else "-"
    return f"{statistics.quantiles(values, n=100)[percent - 1] * 1000:.0f}"


def _report(name: str, figures: dict, counted: dict) -> tuple[float, int]:
    """Print one race; (requests per second, 5xx count)."""
    statuses, latencies = figures["statuses"], figures["latencies"]
    errors = sum(status >= 500 for status in statuses)
    refused = sum(400 <= status < 500 for status in statuses)
    outcomes = {}
    for outcome in figures["outcomes"]:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    rate = len(statuses) / figures["seconds"]
    print(f"  {name}")
    print(
        f"    race        {len(statuses)} requests in {figures['seconds']:.2f} s"
        f" = {rate:.0f} req/s; 5xx {errors}, 4xx {refused}"
    )
    print(
        f"    latency     p50 {_ms(latencies, 50)} ms, p95 {_ms(latencies, 95)} ms,"
        f" p99 {_ms(latencies, 99)} ms"
    )
    print("    members     " + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    print("    cpu         " + cpu.line(figures["cpu"], len(statuses)) + " per request")
    print(
        f"    database    confirmed {counted['confirmed']}, live holds {counted['held']},"
        f" waitlisted {counted['waiting']}, overbooked {counted['overbooked']}"
    )
    return rate, errors


def _report_idle(members: list[Member], session_id: int, args) -> None:
    """Members book one after another on a quiet server: the latency one
    member sees (the class has room for all of them)."""
    latencies = []
    for member in members:
        status, seconds, _said = member.tap(args.path.format(id=session_id))
        member.client.get("/app/profile")  # shows (and so clears) the flashed answer
        if status < 500:
            latencies.append(seconds)
    print(
        f"  idle        {len(members)} book requests one at a time: p50 {_ms(latencies, 50)} ms,"
        f" p95 {_ms(latencies, 95)} ms ({len(members) - len(latencies)} failed)"
    )


def _report_raw(dsn: str, pairs: list[tuple[int, int]], args, rate: float) -> int:
    """Run and print the raw baseline of a race; its overbooked count."""
    raw = _raw_race(dsn, pairs, args.raw_connections)
    counted = _count(dsn, sorted({session_id for _, session_id in pairs}))
    raw_rate = len(pairs) / raw["seconds"]
    print(
        f"    raw SQL     {len(pairs)} hold transactions on {raw['connections']} connections"
        f" in {raw['seconds']:.2f} s = {raw_rate:.0f} tx/s; held {raw['held']},"
        f" full {raw['full']}, busy {raw['busy']}, overbooked {counted['overbooked']}"
    )
    print(f"    app/raw     {rate / raw_rate:.3f} (app requests/s over raw hold transactions/s)")
    return counted["overbooked"]


def _statements_per_book(app, email: str, session_id: int) -> int:
    """The SQL statements one book request runs, counted in this process on
    the same app and database (a member signed in through the real form)."""
    from sqlalchemy import event

    from app.extensions import db

    client = app.test_client()
    login = {"email": email, "password": PASSWORD}
    client.post("/login", data={**login, "csrf_token": CSRF.search(client.get("/login").text)[1]})
    client.get("/app/schedule")  # warm: the first request of a process loads more
    token = CSRF.search(client.get("/app/profile").text)[1]
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.post(
            f"/app/sessions/{session_id}/book",
            data={"csrf_token": token, "idempotency_key": uuid.uuid4().hex},
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements) if response.status_code < 500 else -1


def _races(members: list[Member], seeded: Seeded, args, dsn: str, halfway) -> int:
    """Run and print the scenarios' races (and their raw baselines); how many
    overbooked spots and 5xx answers they had."""
    failed = 0
    if args.scenario in ("hot", "both"):
        hot = [(member, seeded.hot) for member in members[: args.members]]
        rate, errors = _report(
            f"hot: {len(hot)} members, 1 class of {args.spots} spots",
            _race(hot, args, halfway),
            _count(dsn, [seeded.hot]),
        )
        failed += errors + _count(dsn, [seeded.hot])["overbooked"]
        if args.raw:
            raw = [(member.member_id, seeded.hot_raw) for member in members[: args.members]]
            failed += _report_raw(dsn, raw, args, rate)
    if seeded.spread:
        classes = len(seeded.spread)
        spread = [(m, seeded.spread[i % classes]) for i, m in enumerate(members)]
        spread = spread[: args.spread_members]
        rate, errors = _report(
            f"spread: {len(spread)} members, {classes} classes of {args.spread_spots} spots",
            _race(spread, args, halfway),
            _count(dsn, seeded.spread),
        )
        failed += errors + _count(dsn, seeded.spread)["overbooked"]
        if args.raw:
            raw = [(m.member_id, seeded.spread_raw[i % classes]) for i, (m, _) in enumerate(spread)]
            failed += _report_raw(dsn, raw, args, rate)
    return failed


def _report_confirmations(dsn: str, args) -> int:
    """--kill-worker: print confirmed bookings against confirmation emails;
    how many were missing or duplicated."""
    counted = confirmations(dsn)
    print(
        f"  kill worker SIGKILLed halfway through the first race, a new one"
        f" {args.restart_after:g} s later; outbox jobs re-sent by the sweeper"
        f" {counted.swept}, started twice {counted.rerun}, not done {counted.unfinished}"
    )
    print(
        f"  emails      confirmed {counted.confirmed}, emails {counted.emails},"
        f" missing {counted.missing}, duplicates {counted.duplicates}"
    )
    return counted.missing + counted.duplicates


def main() -> int:
    global SESSION_SERIALIZER
    args = _args()
    if args.kill_worker and args.inline_jobs:
        sys.exit("--kill-worker needs the RQ worker: drop --inline-jobs")
    database_url = sqlalchemy_url(args.server, args.database)
    dsn = f"{args.server}/{args.database}"
    env = app_env(os.environ, database_url)
    env["PYTHONPATH"] = str(ROOT)
    if not args.inline_jobs:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
        env["REDIS_URL"] = args.redis
    work = Path(tempfile.mkdtemp(prefix="cupo-storm-"))
    if args.profile:
        env["CUPO_PROFILE"] = str(Path(args.profile).resolve())
        Path(env["CUPO_PROFILE"] + ".claim").unlink(missing_ok=True)
    os.environ.update(env)
    if args.inline_jobs:
        os.environ.pop("REDIS_URL", None)

    started = time.perf_counter()
    fresh_database(args.server, args.database, env)
    seeded = _seed(database_url, args)
    SESSION_SERIALIZER = seeded.app.session_interface.get_signing_serializer(seeded.app)
    port = free_port()
    command = _gunicorn_command(args, port, work / "gunicorn.log")
    jobs = "jobs inline" if args.inline_jobs else "Redis + an RQ worker"
    print(
        f"booking storm: {_gunicorn_shape(command)}, {jobs}, PostgreSQL ({args.database});"
        f" set up in {time.perf_counter() - started:.1f} s"
    )

    worker = None if args.inline_jobs else Worker(env, work)
    # the sweeper, as the Procfile's scheduler line: what re-sends a dead worker's job
    scheduler = start_scheduler(env, work / "rq-cron.log") if args.kill_worker else None
    process, base = start_gunicorn(command, env, port)
    failed = 0
    try:
        started = time.perf_counter()
        members = _sign_in_all(base, seeded.people, threads=32)
        print(f"  signed in   {len(members)} members in {time.perf_counter() - started:.1f} s")
        if args.idle:
            _report_idle(members[: args.idle], seeded.idle, args)
        halfway = partial(worker.kill, args.restart_after) if args.kill_worker else None
        failed += _races(members, seeded, args, dsn, halfway)
        statements = _statements_per_book(seeded.app, "counter@cupo.bench", seeded.counted)
        print(f"  one book    {statements} SQL statements (an idle class, counted in-process)")
        if worker is not None:
            worker.restarted()
            done, waited = drain(dsn)
            print(
                f"  jobs        {done} done by the RQ worker;"
                f" the queue emptied {waited:.1f} s after the races"
            )
        if args.kill_worker:
            failed += _report_confirmations(dsn, args)
    finally:
        process.terminate()
        process.wait(timeout=300 if args.profile else 30)  # a profile takes a while to write
        if worker is not None:
            worker.stop()
        if scheduler is not None:
            end_group(scheduler)
    if args.profile:
        print(f"  profile     {args.profile} (and .html): one worker's requests")
    if failed:
        print(f"  logs        {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
