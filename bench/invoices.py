"""Record payments from many threads at once and print the figures.

    .venv/bin/python bench/invoices.py [--payments 400] [--threads 8] [--database-url URL]

Every payment takes the next invoice number from its series row, locked in
the payment's transaction, so payments serialise on that lock. This measures
what that costs: N cash payments of a free-amount item from T threads, each
on its own connection, against a fresh database (SQLite file by default;
give an empty PostgreSQL database with --database-url). Prints payments per
second, p50/p95 latency, and checks the numbers came out 1..N unbroken.
Jobs are switched off (the PDF job is not what is measured).
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Role, User  # noqa: E402
from app.billing.models import Invoice, ItemKind, PaymentMethod  # noqa: E402
from app.billing.services import Sale, record_payment  # noqa: E402
from app.core import jobs  # noqa: E402
from app.core.db import transaction  # noqa: E402
from app.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    jobs.dispatch_pending = lambda session: None  # PDFs and emails are not measured here
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        with transaction():
            desk = User(email="desk@bench.example.com", name="Desk", role=Role.FRONT_DESK)
            member = User(email="m@bench.example.com", name="Member")
            db.session.add_all([desk, member])
        desk_id, member_id, engine = desk.id, member.id, db.engine
    print(f"database: {engine.dialect.name}; {args.payments} payments from {args.threads} threads")

    timings, failures, lock = [], [], threading.Lock()
    per_thread = args.payments // args.threads

    def work():
        with app.app_context():
            desk = db.session.get(User, desk_id)
            for _ in range(per_thread):
                started = time.perf_counter()
                try:
                    record_payment(
                        member_id,
                        [Sale(ItemKind.OTHER, description="Agua", price_minor=2_000)],
                        method=PaymentMethod.CASH,
                        actor=desk,
                        tendered_minor=2_000,
                    )
                except Exception as exc:  # noqa: BLE001 (a bench reports, it does not stop)
                    with lock:
                        failures.append(repr(exc))
                    continue
                with lock:
                    timings.append((time.perf_counter() - started) * 1000)
            db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(args.threads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    with app.app_context():
        numbers = db.session.scalars(select(Invoice.number).order_by(Invoice.number)).all()
    unbroken = numbers == list(range(1, len(numbers) + 1))
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{len(timings)} recorded, {len(failures)} failed, in {took:.2f} s: "
        f"{len(timings) / took:.0f} payments/s; "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms"
    )
    print(f"invoice numbers 1..{len(numbers)} unbroken: {unbroken}")
    if failures:
        print("first failure:", failures[0])
    sys.exit(0 if unbroken and len(numbers) == len(timings) else 1)


if __name__ == "__main__":
    main()
