"""Time a month of payroll and print the figures.

    .venv/bin/python bench/payroll.py [--trainers 30] [--per-day 2] [--booked 10]
                                      [--database-url URL]

Builds, in a fresh SQLite file (or the given empty database), N trainers
with rates (half per class, half per hour, one class-type override each)
and last month's classes: `--per-day` a day each, every day of the month,
each with `--booked` bookings of which 70 % checked in. Then, as an admin:
drafts every statement of the month (one call), finalises each statement
(the email job is left in the outbox, as a request leaves it for the worker),
runs those jobs (the statement PDF rendered by WeasyPrint and the email
recorded with it attached), builds the CSV and Excel exports, and opens
the month page and one statement page. Prints wall time and SQL statements
of each step.
"""

import argparse
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.accounts.passwords import hash_password  # noqa: E402
from app.attendance.models import CheckIn  # noqa: E402
from app.booking.models import Booking  # noqa: E402
from app.core import jobs  # noqa: E402
from app.core.clock import local_to_utc  # noqa: E402
from app.core.db import transaction  # noqa: E402
from app.core.i18n import gym_today, gym_zone  # noqa: E402
from app.extensions import db  # noqa: E402
from app.scheduling.models import ClassSession, ClassType, Room  # noqa: E402
from app.staff.models import PayBasis, PayRate, PayStatement  # noqa: E402
from app.staff.queries.pay import month_bounds, month_start, previous_month  # noqa: E402
from app.staff.services import pay, pay_documents  # noqa: E402
from app.trainers.models import Trainer  # noqa: E402

PASSWORD = "bench-password-2026"
logging.getLogger("app.core.jobs").setLevel(logging.ERROR)  # the refused pushes


class Counter:
    """SQL statements run on `engine` inside `with counter.step(label)`."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        self.count += 1

    def run(self, label: str, call, *, per: int | None = None):
        before, started = self.count, time.perf_counter()
        result = call()
        took = time.perf_counter() - started
        statements = self.count - before
        each = f" ({took * 1000 / per:.1f} ms each)" if per else ""
        print(f"{label:<46} {took * 1000:8.0f} ms{each}, {statements} SQL statements")
        return result


def _gym(trainers: int, per_day: int, booked: int) -> tuple[int, object]:
    """Build the gym; returns the admin's id and the month paid."""
    digest = hash_password(PASSWORD)
    month = previous_month(month_start(gym_today()))
    zone = gym_zone()
    with transaction():
        admin = User(email="admin@bench.example.com", name="Admin", role=Role.ADMIN,
                     password_hash=digest)  # fmt: skip
        db.session.add(admin)
        members = [
            User(email=f"m{n}@bench.example.com", name=f"Member {n:03d}", password_hash=digest)
            for n in range(max(booked, 1) * 4)
        ]
        db.session.add_all(members)
        room = Room(name="Main", capacity=40)
        types = [ClassType(name=f"Class {n}", duration_minutes=45 + 15 * n) for n in range(4)]
        db.session.add_all([room, *types])
        staff = [
            Trainer(
                user=User(
                    email=f"t{n}@bench.example.com",
                    name=f"Trainer {n:02d}",
                    role=Role.TRAINER,
                    password_hash=digest,
                )
            )  # fmt: skip
            for n in range(trainers)
        ]
        db.session.add_all(staff)
        db.session.flush()
        for n, trainer in enumerate(staff):
            basis = PayBasis.PER_CLASS if n % 2 else PayBasis.PER_HOUR
            db.session.add_all(
                [
                    PayRate(trainer_id=trainer.id, basis=basis, amount_minor=30_000 + 100 * n,
                            currency="MXN", effective_from=month.replace(year=month.year - 1)),
                    PayRate(trainer_id=trainer.id, basis=basis, amount_minor=32_000 + 100 * n,
                            currency="MXN", effective_from=month.replace(day=16)),
                    PayRate(trainer_id=trainer.id, class_type_id=types[n % 4].id,
                            basis=PayBasis.PER_HOUR, amount_minor=45_000, currency="MXN",
                            effective_from=month),
                ]
            )  # fmt: skip
        start, end = month_bounds(month)
        sessions = []
        day = month
        while local_to_utc(day, clock_time(0), zone) < end:
            for n, trainer in enumerate(staff):
                for slot in range(per_day):
                    class_type = types[(n + slot) % 4]
                    starts = local_to_utc(day, clock_time(7 + slot * 2 + n % 8), zone)
                    sessions.append(
                        {"class_type_id": class_type.id, "occurs_on": day, "starts_at": starts,
                         "ends_at": starts + timedelta(minutes=class_type.duration_minutes),
                         "trainer_id": trainer.id, "room_id": room.id, "capacity": 30}
                    )  # fmt: skip
            day += timedelta(days=1)
        db.session.execute(insert(ClassSession), sessions)
        session_ids = db.session.scalars(select(ClassSession.id)).all()
        rows, checkins = [], []
        for index, session_id in enumerate(session_ids):
            for k in range(booked):
                rows.append({"session_id": session_id,
                             "member_id": members[(index + k) % len(members)].id})  # fmt: skip
        db.session.execute(insert(Booking), rows)
        for booking_id, session_id, member_id in db.session.execute(
            select(Booking.id, Booking.session_id, Booking.member_id)
        ):
            if booking_id % 10 < 7:
                checkins.append({"booking_id": booking_id, "session_id": session_id,
                                 "member_id": member_id, "method": "list"})  # fmt: skip
        if checkins:
            db.session.execute(insert(CheckIn), checkins)
        admin_id = admin.id
    print(
        f"{trainers} trainers, {len(session_ids)} sessions in {month:%B %Y}, "
        f"{len(rows)} bookings, {len(checkins)} check-ins"
    )
    return admin_id, month


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainers", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=2)
    parser.add_argument("--booked", type=int, default=10)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
    )
    with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
        upgrade(directory=app.extensions["migrate"].directory)
        admin_id, month = _gym(args.trainers, args.per_day, args.booked)
        print(f"database: {db.engine.dialect.name}; started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
        counter = Counter(db.engine)
        admin = db.session.get(User, admin_id)
        counter.run(
            "draft every statement of the month", lambda: pay.draft_month(month, actor=admin)
        )
        counter.run("recompute them all again", lambda: pay.draft_month(month, actor=admin))
        ids = db.session.scalars(select(PayStatement.id).order_by(PayStatement.id)).all()
        app.config["JOBS_INLINE"] = False  # the request leaves the email to the worker
        app.extensions["cupo_redis"] = _NoQueue()

        def finalise_all():
            for statement_id in ids:
                pay.finalise_statement(statement_id, actor=admin)

        counter.run(f"finalise {len(ids)} statements, one by one", finalise_all, per=len(ids))
        counter.run("finalise them all again (no change)", finalise_all, per=len(ids))
        app.config["JOBS_INLINE"] = True
        app.extensions.pop("cupo_redis")
        outbox = db.session.scalars(
            select(jobs.OutboxJob.id).where(jobs.OutboxJob.name == "staff.send_pay_statement")
        ).all()

        def send_all():
            for job_id in outbox:
                jobs.run_outbox_job(job_id)

        counter.run(f"email {len(outbox)} statements (PDF attached)", send_all, per=len(outbox))
        statement = db.session.get(PayStatement, ids[0])
        counter.run("one statement PDF", lambda: pay_documents.statement_pdf(statement))
        csv_bytes = counter.run("payroll CSV", lambda: pay_documents.export_csv(month))
        xlsx_bytes = counter.run("payroll Excel", lambda: pay_documents.export_xlsx(month))
        print(f"  CSV {len(csv_bytes):,} bytes, Excel {len(xlsx_bytes):,} bytes")
    client = app.test_client()
    client.set_cookie("cupo_lang", "en")
    signed_in = client.post(
        "/login", data={"email": "admin@bench.example.com", "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[-1500:]
    with app.app_context():
        counter = Counter(db.engine)
        for label, path in (
            ("month page (25 a page)", f"/admin/staff/pay/?month={month:%Y-%m}"),
            ("statement page", f"/admin/staff/pay/statements/{ids[0]}"),
        ):
            first = client.get(path)
            assert first.status_code == 200, path
            counter.run(label, lambda path=path: client.get(path))


class _NoQueue:
    """Redis that refuses: pushes fail and are logged, rows stay for the sweeper."""

    def __getattr__(self, name):
        raise ConnectionError("no queue in this benchmark")


if __name__ == "__main__":
    main()
