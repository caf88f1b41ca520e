"""Time the member's 1:1 slot pages with 20 trainers and 2,000 sessions.

    .venv/bin/python bench/slots.py [--requests 50] [--trainers 20] [--sessions 2000]
                                    [--postgres [SERVER]] [--database-url URL]

Builds a gym in a fresh SQLite file (or, with --postgres, a recreated
`cupo_slots_bench` on SERVER, default postgresql://postgres@127.0.0.1:5432;
or the given empty database): `--trainers` trainers with weekly hours Monday
to Saturday 7:00-21:00 and a day off each, `--sessions` group sessions
spread over them in the next two weeks, a 1:1 type (60 min, 15 min buffer,
14-day horizon) and some booked 1:1s. Then, in process, times the trainer
list and one trainer's slot page (every day to the horizon, computed per
request) and counts their SQL statements, and times booking a slot (the
locked re-check, the session and the hold).
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.accounts.passwords import hash_password  # noqa: E402
from app.core.clock import local_to_utc  # noqa: E402
from app.core.db import transaction  # noqa: E402
from app.core.i18n import gym_today, gym_zone  # noqa: E402
from app.core.models import utc_now  # noqa: E402
from app.extensions import db  # noqa: E402
from app.memberships import ledger  # noqa: E402
from app.memberships.models import CC, LotSource  # noqa: E402
from app.scheduling.models import ClassSession, ClassType, Room  # noqa: E402
from app.settings.models import DEFAULTS, GymSettings  # noqa: E402
from app.staff.models import AvailabilityBlock, AvailabilityException, ExceptionKind  # noqa: E402
from app.staff.queries.availability import free_slots_for, slot_days  # noqa: E402
from app.staff.services.availability import SlotTaken, book_slot  # noqa: E402
from app.trainers.models import Trainer  # noqa: E402

PASSWORD = "bench-slots-2026"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "cupo_slots_bench"


def build_gym(trainer_count: int, session_count: int) -> dict:
    """The gym described in the module docstring; returns ids for the timings."""
    rng = random.Random(17)
    password_hash = hash_password(PASSWORD)
    with transaction():
        if db.session.get(GymSettings, 1) is None:
            db.session.add(GymSettings(id=1, **DEFAULTS))
        room = Room(name="Floor", capacity=40)
        group = ClassType(name="Circuit", duration_minutes=45, default_capacity=20)
        one_type = ClassType(
            name="Personal training",
            duration_minutes=60,
            default_capacity=1,
            credits_required=1,
            is_one_to_one=True,
            buffer_minutes=15,
            notice_minutes=120,
            horizon_days=14,
            default_room=room,
        )
        db.session.add_all([room, group, one_type])
        trainers = []
        for number in range(trainer_count):
            user = User(
                email=f"coach{number}@example.com",
                name=f"Coach {number:02d}",
                role=Role.TRAINER,
                password_hash=password_hash,
            )
            trainers.append(Trainer(user=user))
        member = User(
            email="member@example.com",
            name="Bench Member",
            role=Role.MEMBER,
            password_hash=password_hash,
        )
        db.session.add_all([*trainers, member])
        db.session.flush()
        today, zone = gym_today(), gym_zone()
        for trainer in trainers:
            for weekday in range(6):
                db.session.add(
                    AvailabilityBlock(
                        trainer_id=trainer.id,
                        weekday=weekday,
                        start_time=clock_time(7),
                        end_time=clock_time(21),
                        valid_from=today - timedelta(days=30),
                    )
                )
            db.session.add(
                AvailabilityException(
                    trainer_id=trainer.id,
                    on_day=today + timedelta(days=rng.randint(1, 13)),
                    kind=ExceptionKind.OFF,
                )
            )
        for index in range(session_count):
            trainer = trainers[index % trainer_count]
            day = today + timedelta(days=rng.randint(0, 13))
            starts_at = local_to_utc(day, clock_time(rng.randint(6, 20), rng.choice((0, 30))), zone)
            db.session.add(
                ClassSession(
                    class_type=group,
                    trainer=trainer,
                    room=room,
                    occurs_on=day,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=45),
                    capacity=20,
                )
            )
        ledger.grant(
            member.id, 1000 * CC, utc_now() + timedelta(days=60), source=LotSource.PURCHASE
        )
    return {
        "trainer_id": trainers[0].id,
        "trainer_ids": [t.id for t in trainers],
        "type_id": one_type.id,
        "member_id": member.id,
    }


def _count_statements(engine, action, *args) -> list:
    statements = []

    def listener(*listener_args):
        statements.append(listener_args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        action(*args)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return statements


def _figures(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(timings):6.1f} ms, p95 {p95:6.1f} ms over {len(timings)}"


def _time_page(client, engine, label: str, path: str, requests: int) -> None:
    first = client.get(path)
    assert first.status_code == 200, (path, first.status_code, first.location)
    statements = _count_statements(engine, client.get, path)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"{label:<24} {len(statements):>3} SQL statements; {_figures(timings)}")


def _time_bookings(app, ids: dict, requests: int) -> None:
    """book_slot on the first free slot of successive trainers (each a new 1:1)."""
    timings, taken = [], 0
    with app.test_request_context():
        member = db.session.get(User, ids["member_id"])
        one_type = db.session.get(ClassType, ids["type_id"])
        now, zone = utc_now(), gym_zone()
        for index in range(requests):
            trainer_id = ids["trainer_ids"][index % len(ids["trainer_ids"])]
            days = slot_days(one_type, now, zone)
            slots = free_slots_for(trainer_id, one_type, days, now, zone)
            starts = [s for day in days for s in slots[day]]
            starts_at = starts[(index * 7) % len(starts)]
            started = time.perf_counter()
            try:
                book_slot(trainer_id, one_type.id, starts_at, member, actor=member)
            except SlotTaken:
                taken += 1
            timings.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    print(
        f"{'book a slot (service)':<24} {'':>3}                 {_figures(timings)}; taken {taken}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--trainers", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--postgres", nargs="?", const=PG_SERVER)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from support import recreate_database, sqlalchemy_url

        recreate_database(args.postgres, PG_DATABASE)
        url = sqlalchemy_url(args.postgres, PG_DATABASE)
    else:
        url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/slots.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        started = time.perf_counter()
        ids = build_gym(args.trainers, args.sessions)
        built = time.perf_counter() - started
        engine = db.engine
        db.session.remove()
    print(
        f"database: {engine.dialect.name}; {args.trainers} trainers, {args.sessions} sessions "
        f"built in {built:.2f} s; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    client = app.test_client()
    client.post("/login", data={"email": "member@example.com", "password": PASSWORD})
    _time_page(client, engine, "trainer list", "/app/trainers/", args.requests)
    _time_page(
        client, engine, "slot page (14 days)", f"/app/trainers/{ids['trainer_id']}", args.requests
    )
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    _time_page(
        client,
        engine,
        "slot page, a chosen day",
        f"/app/trainers/{ids['trainer_id']}?day={tomorrow}",
        args.requests,
    )
    _time_bookings(app, ids, args.requests)
    with app.app_context():
        engine.dispose()


if __name__ == "__main__":
    main()
