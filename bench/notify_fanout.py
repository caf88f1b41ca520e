"""Cancel a full class and time what telling everyone costs, and where.

    .venv/bin/python bench/notify_fanout.py [--booked 200] [--waitlisted 50]
        [--workers 2] [--reminders 5000] [--database cupo_fanout] [--redis URL]

Seeds a class with --booked members booked and --waitlisted on its waitlist
(each member with a push device whose endpoint is a local receiver), then
the admin cancels it through the service, as the back office does. Printed:

- the time to commit the cancellation (refunds, waitlist clean-up, one
  notification and its outbox jobs per person): nothing is sent inside it,
  and the script checks that the mail server and the receiver got nothing
  by then;
- with --workers real RQ workers (as the Procfile's `worker` line) sending
  into a local aiosmtpd and a local push receiver: emails per second and
  pushes per second until the outbox is drained;
- the reminder job's time over --reminders confirmed bookings starting in
  the next day (one run, then a second one that must send nothing).

Needs PostgreSQL and Redis on 127.0.0.1 (the database is dropped and made
again; the Redis database is emptied).
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

from bench.storm_jobs import Worker, drain  # noqa: E402
from bench.support import app_env, free_port, fresh_database, sqlalchemy_url  # noqa: E402


def _args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--booked", type=int, default=200)
    parser.add_argument("--waitlisted", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="RQ workers sending")
    parser.add_argument("--reminders", type=int, default=5000, help="bookings (0: skip)")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cupo_fanout")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9", help="emptied first")
    return parser.parse_args()


class CountingMailbox:
    """An aiosmtpd handler that only counts what it accepts."""

    def __init__(self):
        self.count, self.lock = 0, threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def _app(database_url: str, env: dict):
    from app import create_app

    os.environ.update({k: v for k, v in env.items() if k.startswith(("MAIL_", "VAPID_"))})
    return create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=database_url,
        REDIS_URL=env["REDIS_URL"],
        JOBS_INLINE=False,
        MAIL_SERVER=env["MAIL_SERVER"],
        MAIL_PORT=int(env["MAIL_PORT"]),
    )


def _seed_class(app, booked: int, waitlisted: int, endpoint: str | None):
    """A class with `booked` members in it and `waitlisted` waiting; the admin."""
    from app.accounts.models import Role, User
    from app.booking.models import Booking, BookingStatus, WaitlistEntry, WaitlistStatus
    from app.core.db import transaction
    from app.extensions import db
    from app.memberships import ledger
    from app.memberships.models import CC, LotSource
    from app.scheduling.models import ClassType, Room
    from app.scheduling.services.sessions import create_session
    from app.trainers.models import Trainer

    with app.app_context():
        admin = User(email="admin@cupo.bench", name="Fan-out Admin", role=Role.ADMIN)
        coach = User(email="coach@cupo.bench", name="Coach", role=Role.TRAINER)
        people = [
            User(email=f"m{i}@cupo.bench", name=f"Member {i}", role=Role.MEMBER, language="en")
            for i in range(booked + waitlisted)
        ]
        trainer, room = Trainer(user=coach), Room(name="Studio", capacity=booked)
        spin = ClassType(name="Spin", credits_required=1)
        db.session.add_all([admin, coach, trainer, room, spin, *people])
        db.session.commit()
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
        values = {
            "class_type_id": spin.id,
            "trainer_id": trainer.id,
            "room_id": room.id,
            "starts_at": starts,
            "capacity": booked,
        }
        session_id = create_session(values, actor=admin).id
        expires = datetime.now(UTC) + timedelta(days=60)
        with transaction():
            for person in people[:booked]:
                ledger.grant(person.id, 5 * CC, expires, source=LotSource.PURCHASE)
        from app.booking.services.bookings import book_now

        for person in people[:booked]:
            book_now(session_id, person, actor=person)
        with transaction():
            for person in people[booked:]:
                db.session.add(
                    WaitlistEntry(
                        session_id=session_id,
                        member_id=person.id,
                        status=WaitlistStatus.WAITING,
                    )
                )
            if endpoint:
                for person in people:
                    db.session.add(_subscription(person.id, endpoint))
        assert db.session.query(Booking).filter_by(status=BookingStatus.CONFIRMED).count() == booked
        return admin.id, session_id, [person.id for person in people]


def _subscription(user_id: int, endpoint: str):
    """A device as a browser makes one: its own P-256 key and auth secret."""
    from app.notifications.models import PushSubscription

    keys = _browser_keys()
    return PushSubscription(
        user_id=user_id, endpoint=f"{endpoint}/{user_id}", p256dh=keys[0], auth=keys[1]
    )


def _browser_keys() -> tuple[str, str]:
    import base64
    import secrets

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return b64(public), b64(secrets.token_bytes(16))


def _cancel(app, admin_id: int, session_id: int) -> float:
    from app.accounts.models import User
    from app.extensions import db
    from app.scheduling.services.sessions import cancel_session

    with app.app_context():
        admin = db.session.get(User, admin_id)
        started = time.perf_counter()
        cancel_session(session_id, "The studio is flooded", actor=admin)
        return time.perf_counter() - started


def _deliveries(dsn: str, after_id: int) -> tuple[int, int]:
    """Email and push jobs queued after outbox row `after_id`."""
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT count(*) FILTER (WHERE args->>1 = 'email'),"
            " count(*) FILTER (WHERE args->>1 = 'push')"
            " FROM job_outbox WHERE name = 'notifications.deliver' AND id > %s",
            (after_id,),
        ).fetchone()


def _ready(redis_url: str, count: int, timeout: float = 120) -> None:
    """Wait until `count` RQ workers have registered (their app is built)."""
    import redis
    from rq import Worker as RQWorker

    connection = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while len(RQWorker.all(connection=connection)) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def main() -> int:
    args = _args()
    dsn = f"{args.server}/{args.database}"
    database_url = sqlalchemy_url(args.server, args.database)
    mailbox = CountingMailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    receiver = _start_push_receiver()
    env = app_env(os.environ, database_url)
    env.update(
        REDIS_URL=args.redis, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), MAIL_USE_TLS="0"
    )
    fresh_database(args.server, args.database, env)
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    app = _app(database_url, env)
    print(f"seeding {args.booked} booked and {args.waitlisted} waitlisted ...", flush=True)
    admin_id, session_id, people = _seed_class(
        app, args.booked, args.waitlisted, receiver.endpoint if receiver else None
    )
    with psycopg.connect(dsn, autocommit=True) as conn:  # the seed's own emails are not timed
        conn.execute("UPDATE job_outbox SET status = 'done' WHERE status = 'pending'")
        (last_id,) = conn.execute("SELECT coalesce(max(id), 0) FROM job_outbox").fetchone()
    sent_before = mailbox.count

    took = _cancel(app, admin_id, session_id)
    emails, pushes = _deliveries(dsn, last_id)
    print(
        f"cancel: {took * 1000:.0f} ms to commit, {len(people)} people told "
        f"({emails} email and {pushes} push jobs queued); sent inside it: "
        f"{mailbox.count - sent_before} emails, {receiver.count if receiver else 0} pushes"
    )

    with tempfile.TemporaryDirectory(prefix="fanout-") as work:
        folders = [Path(work) / str(n) for n in range(args.workers)]
        for folder in folders:
            folder.mkdir()
        workers = [Worker(env, folder) for folder in folders]
        _ready(args.redis, args.workers)  # timed from here: sending, not starting up
        started = time.perf_counter()
        drain(dsn)
        seconds = time.perf_counter() - started
        for worker in workers:
            worker.stop()
    got = mailbox.count - sent_before
    print(
        f"send: {args.workers} RQ workers drained the outbox in {seconds:.1f} s: "
        f"{got} emails ({got / seconds:.0f}/s)"
        + (f", {receiver.count} pushes ({receiver.count / seconds:.0f}/s)" if receiver else "")
    )
    if args.reminders:
        _time_reminders(app, args.reminders)
    smtp.stop()
    return 0


class _Receiver:
    """The local push service (tests/push_receiver.py), counting what arrives."""

    def __init__(self):
        from tests.push_receiver import PushReceiver

        self.service = PushReceiver(verify=True).start()
        self.endpoint = self.service.origin + "/push"

    @property
    def count(self) -> int:
        return len(self.service.messages)


def _start_push_receiver():
    return _Receiver()


def _time_reminders(app, bookings: int) -> None:
    """The reminder job over `bookings` confirmed bookings of classes that
    start in 23 hours (their 24 h reminder is due), booked days ago."""
    from sqlalchemy import func, insert, select

    from app.accounts.models import Role, User
    from app.booking.models import Booking, BookingReminder, BookingStatus
    from app.booking.services.reminders import send_reminders
    from app.extensions import db
    from app.scheduling.models import ClassSession, ClassType, Room
    from app.scheduling.services.sessions import create_session
    from app.trainers.models import Trainer

    per_class = 100
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        kind = ClassType(name="Strength", credits_required=0)
        db.session.add(kind)
        db.session.commit()
        now = datetime.now(UTC).replace(microsecond=0)
        sessions = []
        for n in range(-(-bookings // per_class)):  # a trainer and a room each: no overlap
            coach = User(email=f"coach-r{n}@cupo.bench", name=f"Coach R{n}", role=Role.TRAINER)
            trainer, room = Trainer(user=coach), Room(name=f"Hall {n}", capacity=per_class)
            db.session.add_all([coach, trainer, room])
            db.session.commit()
            values = {
                "class_type_id": kind.id,
                "trainer_id": trainer.id,
                "room_id": room.id,
                "starts_at": now + timedelta(hours=23, minutes=n),
                "capacity": per_class,
            }
            sessions.append(create_session(values, actor=admin).id)
        first = db.session.scalar(select(func.coalesce(func.max(User.id), 0))) + 1
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"r{n}@cupo.bench",
                    "name": f"Reminded {n}",
                    "role": Role.MEMBER,
                    "language": "en",
                }
                for n in range(bookings)
            ],
        )
        ids = db.session.scalars(select(User.id).where(User.id >= first).order_by(User.id)).all()
        db.session.execute(
            insert(Booking),
            [
                {
                    "session_id": sessions[n // per_class],
                    "member_id": member_id,
                    "status": BookingStatus.CONFIRMED,
                    "credits_cc": 0,
                    "booked_at": now - timedelta(days=3),
                }
                for n, member_id in enumerate(ids)
            ],
        )
        db.session.commit()
        started = time.perf_counter()
        sent = send_reminders()
        first_run = time.perf_counter() - started
        started = time.perf_counter()
        again = send_reminders()
        second_run = time.perf_counter() - started
        recorded = db.session.scalar(select(func.count()).select_from(BookingReminder))
        assert ClassSession and sent == bookings == recorded and again == 0, (sent, again)
    print(
        f"reminders: {sent} due over {len(sessions)} classes: first run {first_run:.1f} s "
        f"({sent / first_run:.0f} bookings/s, rows and outbox jobs only); "
        f"second run {second_run * 1000:.0f} ms, sent {again}"
    )


if __name__ == "__main__":
    sys.exit(main())
