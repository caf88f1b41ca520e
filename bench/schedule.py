"""Time the schedule pages on the demo gym and print the figures.

    .venv/bin/python bench/schedule.py [--requests 30] [--database-url URL]

Seeds the demo gym into a fresh SQLite file (or the given empty database),
then times the member week view, the public timetable and the back-office
calendar, and counts their SQL statements.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.scheduling.models import ClassSession  # noqa: E402

PAGES = {
    "member week view": ("member1@cupo.demo", "/app/schedule?view=week"),
    "public timetable": (None, "/schedule"),
    "back-office calendar": ("admin@cupo.demo", "/admin/calendar"),
}


def _signed_in(app, email):
    """A client signed in as `email` (CSRF is off in this app), or anonymous."""
    client = app.test_client()
    if email:
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    return client


def _count_statements(engine, action, *args) -> list:
    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        action(*args)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return statements


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        started = time.perf_counter()
        seed_demo()
        seeded = time.perf_counter() - started
        sessions = db.session.scalar(select(func.count(ClassSession.id)))
        engine = db.engine
    print(f"database: {engine.dialect.name}; demo seeded in {seeded:.2f} s ({sessions} sessions)")
    for label, (email, path) in PAGES.items():
        client = _signed_in(app, email)
        assert client.get(path).status_code == 200, path
        statements = _count_statements(engine, client.get, path)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"{label:<22} {len(statements):>3} SQL statements; "
            f"median {statistics.median(timings):6.1f} ms, "
            f"p90 {sorted(timings)[int(len(timings) * 0.9) - 1]:6.1f} ms over {args.requests}"
        )


if __name__ == "__main__":
    main()
