"""Lighthouse 12.2.3 on a member's home page: the accessibility score and the
installability audits Lighthouse still has.

    .venv/bin/python bench/lighthouse.py [--path /app/] [--email member1@cupo.demo]
                                         [--form-factor phone|desktop|both] [--keep DIR]

Loads the demo gym into a temporary SQLite database, serves it on 127.0.0.1,
signs the member in through the real form in the system Chromium and runs
the Lighthouse CLI against that browser, the way tests/e2e/test_lighthouse.py
does (the same helper: tests/e2e/lighthouse.py). Lighthouse is the copy
bin/test installs into .cache/lighthouse/ (run bin/test once first).

Printed per form factor: the page, the accessibility score, each
installability audit and every failing accessibility audit with the elements
it names, then the seconds Lighthouse took. --keep DIR keeps the JSON reports.
Exits 1 when the score is below 100 or an installability audit fails.
"""

import argparse
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from tests.e2e import lighthouse  # noqa: E402
from tests.e2e.support import sign_in  # noqa: E402


def _args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="/app/", help="the page to audit")
    parser.add_argument("--email", default="member1@cupo.demo", help="who signs in")
    parser.add_argument("--form-factor", choices=["phone", "desktop", "both"], default="both")
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    return parser.parse_args()


def main() -> int:
    args = _args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not every request
    if not lighthouse.cli().is_file():
        sys.exit(f"lighthouse: {lighthouse.cli()} is missing; bin/test installs it")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        uri = f"sqlite:///{work / 'bench.db'}"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, WTF_CSRF_ENABLED=True)
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            seed_demo()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base_url = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = base_url
        threading.Thread(target=server.serve_forever, daemon=True).start()
        reports = args.keep or work
        reports.mkdir(parents=True, exist_ok=True)
        passed = True
        try:
            with (
                sync_playwright() as driver,
                lighthouse.signed_in_browser(
                    driver,
                    base_url,
                    work / "profile",
                    lambda page: sign_in(page, args.email, DEMO_PASSWORD),
                ) as port,
            ):
                factors = ["phone", "desktop"] if args.form_factor == "both" else [args.form_factor]
                for factor in factors:
                    started = time.monotonic()
                    report = lighthouse.run(
                        base_url + args.path,
                        port,
                        reports / f"lighthouse-{factor}.json",
                        mobile=factor == "phone",
                    )
                    print("\n".join(lighthouse.summary(report)))
                    print(f"  ({time.monotonic() - started:.1f} s)")
                    passed &= lighthouse.accessibility_score(report) == 1
                    passed &= not lighthouse.installability_failures(report)
        finally:
            server.shutdown()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
