"""Trainers polling their inbox and an open thread, as the pages do every 10 s.

    .venv/bin/python bench/inbox_poll.py [--trainers 50] [--threads-each 40] [--polls 20]
                                         [--database-url URL]

Builds a gym of `--trainers` trainers with `--threads-each` threads each
(every thread one message, half unread) in a fresh SQLite file (or the
given empty database), then lets every trainer poll at once from its own
thread, in process (Flask's test client: the app's time, no network):
the inbox's list (HX-Request) and an open thread with nothing new (204).
Prints p50/p95/p99 per kind and the SQL statements of one poll.
"""

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.accounts.passwords import hash_password  # noqa: E402
from app.core.models import utc_now  # noqa: E402
from app.extensions import db  # noqa: E402
from app.messaging.models import Message, MessageThread  # noqa: E402
from app.settings.models import DEFAULTS, GymSettings  # noqa: E402
from app.trainers.models import Trainer  # noqa: E402

PASSWORD = "bench-password-1"


def _seed(trainers: int, threads_each: int) -> list[tuple[str, int, int]]:
    """(trainer email, a thread id, its last message id) per trainer."""
    password = hash_password(PASSWORD)
    if db.session.get(GymSettings, 1) is None:
        db.session.add(GymSettings(id=1, **DEFAULTS))
    people = []
    for t in range(trainers):
        coach = User(
            email=f"coach{t}@example.com",
            name=f"Coach {t}",
            role=Role.TRAINER,
            password_hash=password,
        )
        trainer = Trainer(user=coach)
        members = [
            User(
                email=f"m{t}-{i}@example.com",
                name=f"Member {t}-{i}",
                role=Role.MEMBER,
                password_hash=password,
            )
            for i in range(threads_each)
        ]
        db.session.add_all([coach, trainer, *members])
        db.session.flush()
        thread = None
        for i, member in enumerate(members):
            thread = MessageThread(member_id=member.id, trainer_id=trainer.id, trainer_unread=i % 2)
            db.session.add(thread)
            db.session.flush()
            message = Message(thread_id=thread.id, sender_id=member.id, body=f"hello {i}")
            db.session.add(message)
            db.session.flush()
            thread.last_message_id, thread.last_message_at = message.id, utc_now()
        people.append((coach.email, thread.id, thread.last_message_id))
    db.session.commit()
    return people


def _statements(engine, action) -> int:
    seen = []

    def listener(*args):
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def _percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100)
    return f"p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms, p99 {cuts[98]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainers", type=int, default=50)
    parser.add_argument("--threads-each", type=int, default=40)
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        people = _seed(args.trainers, args.threads_each)
        engine = db.engine
    print(
        f"database: {engine.dialect.name}; {args.trainers} trainers × "
        f"{args.threads_each} threads, {args.polls} polls each of the inbox and a thread"
    )

    clients = []
    for email, thread_id, last_id in people:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        signed = client.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert signed.status_code == 302, signed.get_data(as_text=True)[-2000:]
        clients.append((client, thread_id, last_id))
    inbox = "/trainer/messages/"
    hx = {"HX-Request": "true"}
    first, thread_id, last_id = clients[0]
    print(
        "statements: inbox poll",
        _statements(engine, lambda: first.get(inbox, headers=hx)),
        "· thread poll (204)",
        _statements(
            engine, lambda: first.get(f"/trainer/messages/{thread_id}/poll?after={last_id}")
        ),
    )

    timings = {"inbox": [], "thread": []}
    lock, barrier = threading.Lock(), threading.Barrier(len(clients))

    def trainer(client, thread_id, last_id):
        barrier.wait()
        mine = {"inbox": [], "thread": []}
        for _ in range(args.polls):
            started = time.perf_counter()
            assert client.get(inbox, headers=hx).status_code == 200
            mine["inbox"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            poll = client.get(f"/trainer/messages/{thread_id}/poll?after={last_id}")
            assert poll.status_code == 204
            mine["thread"].append((time.perf_counter() - started) * 1000)
        with lock:
            for kind, values in mine.items():
                timings[kind].extend(values)

    workers = [threading.Thread(target=trainer, args=c) for c in clients]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in timings.values())
    print(f"{total} polls in {elapsed:.1f} s ({total / elapsed:.0f}/s, one process)")
    for kind, values in timings.items():
        print(f"{kind} poll: {_percentiles(values)}")


if __name__ == "__main__":
    main()
