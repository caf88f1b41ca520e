"""Race members for the last spots of one class over HTTP, and print the figures.

    .venv/bin/python bench/booking_storm.py [--members 500] [--spots 20] [--raw]

Needs only PostgreSQL on 127.0.0.1 (user postgres, trust auth; --server to
change). The script drops and creates the database `cupo_storm`, migrates it,
seeds N members with credits and one class with K spots whose booking window
is open, starts gunicorn (4 sync workers, no Redis: jobs run inline and limits
are counted per worker), signs every member in with a real session and CSRF
token, then releases them together: each taps "book" and, told the class is
full, joins the waitlist. Then it counts what the database holds.

Printed: confirmed, waitlisted, overbooked (must be 0), 5xx responses,
requests per second and p50/p95/p99 latency of the race. --raw also runs the
hold transaction as plain SQL through psycopg (lock the session row, count,
insert a hold, commit) on a second class, and prints its throughput and the
ratio app/raw. Exits 1 if anything was overbooked or answered 5xx.
"""

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
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

PASSWORD = "storm-password-2026"
FULL = "This class is full."
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=500, help="N members racing")
    parser.add_argument("--spots", type=int, default=20, help="K spots in the class")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, help="client threads (default: N)")
    parser.add_argument("--path", default="/app/sessions/{id}/book", help="the book button")
    parser.add_argument("--waitlist-path", default="/app/sessions/{id}/waitlist")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cupo_storm")
    parser.add_argument("--raw", action="store_true", help="also time the hold as plain SQL")
    parser.add_argument("--raw-connections", type=int, default=50, help="for --raw")
    return parser.parse_args()


# --- database ---------------------------------------------------------------------


def _recreate_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def _seed(database_url: str, members: int, spots: int):
    """Members with credits and two classes (HTTP race, raw race); returns ids."""
    from app import create_app
    from app.accounts.models import Role, User
    from app.accounts.passwords import hash_password
    from app.core.db import transaction
    from app.extensions import db
    from app.memberships import ledger
    from app.memberships.models import CC, LotSource
    from app.scheduling.models import ClassType, Room
    from app.scheduling.services.sessions import create_session
    from app.trainers.models import Trainer

    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        password_hash = hash_password(PASSWORD)  # once: argon2 is slow on purpose
        admin = User(email="admin@cupo.bench", name="Storm Admin", role=Role.ADMIN)
        coach = User(email="coach@cupo.bench", name="Storm Coach", role=Role.TRAINER)
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
        trainer, room = Trainer(user=coach), Room(name="Storm studio", capacity=max(spots, 20))
        db.session.add_all([admin, coach, trainer, room, *people])
        db.session.commit()
        spin = ClassType(
            name="Storm spin",
            default_trainer_id=trainer.id,
            default_room_id=room.id,
            credits_required=1,
        )
        db.session.add(spin)
        db.session.commit()
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
        session_ids = [
            create_session(
                {"class_type_id": spin.id, "starts_at": starts + hours, "capacity": spots},
                actor=admin,
            ).id
            for hours in (timedelta(0), timedelta(hours=3))
        ]
        expires = datetime.now(UTC) + timedelta(days=60)
        with transaction():
            for person in people:
                ledger.grant(person.id, 5 * CC, expires, source=LotSource.PURCHASE)
        return app, session_ids, [(person.id, person.email) for person in people]


# --- the app under gunicorn ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(workers: int, env: dict, log: Path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
        + ["--log-level", "warning", "--error-logfile", str(log), "wsgi:app"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    sys.exit(f"gunicorn did not come up; see {log}")


# --- members over HTTP ---------------------------------------------------------------


class Member:
    """One phone: its own cookie jar, signed in, holding the page's CSRF token."""

    def __init__(self, base: str, member_id: int, email: str):
        self.member_id, self.email = member_id, email
        self.client = httpx.Client(
            base_url=base, cookies={"cupo_lang": "en"}, timeout=120, follow_redirects=False
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
        self.token = self._token_from("/app/schedule")

    def tap(self, path: str):
        """POST one booking button; (status, seconds, flashed messages)."""
        data = {"csrf_token": self.token, "idempotency_key": uuid.uuid4().hex}
        started = time.perf_counter()
        try:
            status = self.client.post(path, data=data).status_code
        except httpx.HTTPError:  # no answer at all: counted with the 5xx
            status = 599
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


def _race(members: list[Member], session_id: int, args) -> dict:
    book_path = args.path.format(id=session_id)
    waitlist_path = args.waitlist_path.format(id=session_id)
    gate, lock = threading.Event(), threading.Lock()
    figures = {"latencies": [], "statuses": [], "outcomes": []}

    def run(member: Member):
        gate.wait()
        status, seconds, said = member.tap(book_path)
        calls = [(status, seconds)]
        if FULL in said:
            status, seconds, said = member.tap(waitlist_path)
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

    with ThreadPoolExecutor(args.concurrency or len(members)) as pool:
        futures = [pool.submit(run, member) for member in members]
        time.sleep(0.5)  # every thread is parked at the gate
        started = time.perf_counter()
        gate.set()
        for future in futures:
            future.result()
        figures["seconds"] = time.perf_counter() - started
    return figures


def _count(dsn: str, session_id: int, spots: int) -> dict:
    with psycopg.connect(dsn) as conn:
        confirmed, held, waiting = conn.execute(
            """SELECT (SELECT count(*) FROM bookings WHERE session_id = %(id)s
                         AND status = 'confirmed'),
                      (SELECT count(*) FROM holds WHERE session_id = %(id)s
                         AND status = 'active' AND expires_at > now()),
                      (SELECT count(*) FROM waitlist_entries WHERE session_id = %(id)s
                         AND status IN ('waiting', 'offered'))""",
            {"id": session_id},
        ).fetchone()
    overbooked = max(0, confirmed + held - spots)
    return {"confirmed": confirmed, "held": held, "waiting": waiting, "overbooked": overbooked}


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


def _raw_race(dsn: str, session_id: int, member_ids: list[int], connections: int) -> dict:
    """`connections` psycopg connections share the members' hold attempts."""
    conns = _connect_up_to(dsn, max(1, min(connections, len(member_ids))))
    shares = [member_ids[i :: len(conns)] for i in range(len(conns))]
    gate, lock = threading.Event(), threading.Lock()
    tally = {"held": 0, "full": 0, "busy": 0}

    def run(conn, share):
        counts = dict.fromkeys(tally, 0)
        gate.wait()
        for member_id in share:
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


def main() -> int:
    global SESSION_SERIALIZER
    args = _args()
    sqlalchemy_url = (
        f"{args.server.replace('postgresql://', 'postgresql+psycopg://')}/{args.database}"
    )
    dsn = f"{args.server}/{args.database}"
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DATABASE_URL=sqlalchemy_url,
        SECRET_KEY=secrets.token_hex(32),
        CUPO_ENV="development",
        FLASK_APP="wsgi:app",
        LOGIN_LIMIT_PER_IP="100000 per minute",
        LOGIN_LIMIT_PER_EMAIL="100000 per minute",
    )
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)

    started = time.perf_counter()
    _recreate_database(args.server, args.database)
    _run([sys.executable, "-m", "flask", "db", "upgrade"], env)
    app, (session_id, raw_session_id), people = _seed(sqlalchemy_url, args.members, args.spots)
    SESSION_SERIALIZER = app.session_interface.get_signing_serializer(app)
    print(
        f"booking storm: {args.members} members, {args.spots} spots, gunicorn -w {args.workers}"
        f" on PostgreSQL ({args.database}); set up in {time.perf_counter() - started:.1f} s"
    )

    log = Path(tempfile.mkdtemp(prefix="cupo-storm-")) / "gunicorn.log"
    process, base = _start_gunicorn(args.workers, env, log)
    try:
        started = time.perf_counter()
        members = _sign_in_all(base, people, threads=min(32, len(people)))
        print(f"  signed in   {len(members)} members in {time.perf_counter() - started:.1f} s")
        figures = _race(members, session_id, args)
    finally:
        process.terminate()
        process.wait(timeout=30)

    statuses, latencies = figures["statuses"], figures["latencies"]
    errors = sum(status >= 500 for status in statuses)
    refused = sum(400 <= status < 500 for status in statuses)
    outcomes = {}
    for outcome in figures["outcomes"]:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    counted = _count(dsn, session_id, args.spots)
    rate = len(statuses) / figures["seconds"]
    print(
        f"  race        {len(statuses)} requests in {figures['seconds']:.2f} s = {rate:.0f} req/s;"
        f" 5xx {errors}, 4xx {refused}"
    )
    print(
        f"  latency     p50 {_ms(latencies, 50)} ms, p95 {_ms(latencies, 95)} ms,"
        f" p99 {_ms(latencies, 99)} ms"
    )
    print("  members     " + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    print(
        f"  database    confirmed {counted['confirmed']}, live holds {counted['held']},"
        f" waitlisted {counted['waiting']}, overbooked {counted['overbooked']}"
    )
    if errors:
        print(f"  server log  {log}")

    overbooked = counted["overbooked"]
    if args.raw:
        raw = _raw_race(dsn, raw_session_id, [m for m, _ in people], args.raw_connections)
        raw_counted = _count(dsn, raw_session_id, args.spots)
        raw_rate = args.members / raw["seconds"]
        print(
            f"  raw SQL     {args.members} hold transactions on {raw['connections']} connections"
            f" in {raw['seconds']:.2f} s = {raw_rate:.0f} tx/s; held {raw['held']},"
            f" full {raw['full']}, busy {raw['busy']}, overbooked {raw_counted['overbooked']}"
        )
        print(f"  app/raw     {rate / raw_rate:.3f} (app requests/s over raw hold transactions/s)")
        overbooked += raw_counted["overbooked"]
    return 1 if overbooked or errors else 0


if __name__ == "__main__":
    sys.exit(main())
