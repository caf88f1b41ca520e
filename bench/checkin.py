"""Time check-in at the door and print the figures.

    .venv/bin/python bench/checkin.py [--members 100] [--database-url URL]

Builds a class starting in 20 minutes with N booked members in a fresh
SQLite file (or the given empty database), then, signed in as the front desk
over the app's test client: scans every member's QR code once (POST /scan),
scans them all again ("already checked in"), scans N made-up codes, opens the
attendance list, and runs the no-show job over N more bookings of a class
that ended. Prints the median and p95 of each, and SQL statements per request.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.accounts.passwords import hash_password  # noqa: E402
from app.attendance import services, tokens  # noqa: E402
from app.booking.services.bookings import book_now  # noqa: E402
from app.core import models  # noqa: E402
from app.core.db import transaction  # noqa: E402
from app.core.models import utc_now  # noqa: E402
from app.extensions import db  # noqa: E402
from app.memberships import ledger  # noqa: E402
from app.memberships.models import CC, LotSource  # noqa: E402
from app.scheduling.models import ClassType, Room  # noqa: E402
from app.scheduling.services.sessions import create_session  # noqa: E402
from app.trainers.models import Trainer  # noqa: E402

PASSWORD = "bench-password-2026"


def _people(count: int) -> tuple[User, User, list[User]]:
    digest = hash_password(PASSWORD)
    with transaction():
        admin = User(
            email="admin@bench.example.com", name="Admin", role=Role.ADMIN, password_hash=digest
        )
        desk = User(
            email="desk@bench.example.com", name="Desk", role=Role.FRONT_DESK, password_hash=digest
        )
        members = [
            User(email=f"m{n}@bench.example.com", name=f"Member {n:04d}", password_hash=digest)
            for n in range(count)
        ]
        db.session.add_all([admin, desk, *members])
        db.session.flush()
        for member in members:
            ledger.grant(
                member.id, 10 * CC, utc_now() + timedelta(days=30), source=LotSource.PURCHASE
            )
    return admin, desk, members


def _class(admin: User, starts_in: timedelta, size: int):
    with transaction():
        trainer = Trainer(
            user=User(
                email=f"t{size}{starts_in.days}@bench.example.com",
                name="Trainer",
                role=Role.TRAINER,
                password_hash=admin.password_hash,
            )
        )
        room = Room(name=f"Room {starts_in}", capacity=size)
        class_type = ClassType(
            name=f"Class {starts_in}",
            duration_minutes=60,
            default_capacity=size,
            credits_required=1,
            default_trainer=trainer,
            default_room=room,
        )
        db.session.add_all([trainer, room, class_type])
    start = (utc_now() + starts_in).replace(microsecond=0)
    return create_session({"class_type_id": class_type.id, "starts_at": start}, actor=admin)


def _timed(label: str, calls, engine) -> None:
    timings, statements = [], []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for call in calls:
            before = len(statements)
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
            statements[before:] = [len(statements) - before]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    p95 = sorted(timings)[max(int(len(timings) * 0.95) - 1, 0)]
    print(
        f"{label:<34} median {statistics.median(timings):6.1f} ms, p95 {p95:6.1f} ms, "
        f"{statistics.median(statements):.0f} SQL statements each, n={len(timings)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        admin, desk, members = _people(args.members)
        now_class = _class(admin, timedelta(minutes=20), args.members)
        bookings = [book_now(now_class.id, m, actor=admin).id for m in members]
        codes = [tokens.qr_token(booking_id) for booking_id in bookings]
        engine, session_id, desk_email = db.engine, now_class.id, desk.email
        db.session.remove()
    print(f"database: {engine.dialect.name}; {args.members} members booked")
    client = app.test_client()
    signed_in = client.post("/login", data={"email": desk_email, "password": PASSWORD})
    assert signed_in.status_code == 302, "the desk could not sign in"

    def scan(code):
        return lambda: client.post("/scan", data={"code": code})

    _timed("scan, first time (checked in)", [scan(c) for c in codes], engine)
    _timed("scan again (already checked in)", [scan(c) for c in codes], engine)
    _timed(
        "made-up code (unknown; 429 after 15)",
        [scan(f"CUPO-{n}-X") for n in range(len(codes))],
        engine,
    )
    page = f"/admin/sessions/{session_id}/attendance"
    assert client.get(page).status_code == 200, page
    _timed(f"attendance list, {args.members} rows", [lambda: client.get(page)] * 20, engine)
    _no_show_job(app, args.members)


def _no_show_job(app, count: int) -> None:
    with app.app_context():
        admin = db.session.query(User).filter_by(email="admin@bench.example.com").one()
        ended = _class(admin, timedelta(days=1), count)
        for member in db.session.query(User).filter(User.role == Role.MEMBER).limit(count):
            book_now(ended.id, member, actor=admin)
        models.frozen_now = ended.ends_at + timedelta(minutes=1)
        started = time.perf_counter()
        marked = services.mark_no_shows()
        took = time.perf_counter() - started
        models.frozen_now = None
    print(
        f"no-show job: {marked} bookings marked in {took * 1000:.0f} ms "
        f"({took * 1000 / max(marked, 1):.1f} ms each)"
    )


if __name__ == "__main__":
    main()
