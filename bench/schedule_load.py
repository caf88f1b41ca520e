"""Load the schedule pages members reload when a class opens, and print the figures.

    .venv/bin/python bench/schedule_load.py [--seconds 10] [--connections 50] [--workers 4]

Needs PostgreSQL on 127.0.0.1 (user postgres, trust auth; --server to change)
and wrk (Debian: `apt-get install wrk`). The script drops and creates the
database `cupo_schedule_bench`, migrates it, seeds the demo gym, starts
gunicorn as the Procfile does (`gunicorn.conf.py`; --workers overrides its
worker count; no Redis) and signs member1@cupo.demo in. Then wrk (its own
process, `-c` connections, two threads, `Accept-Encoding: gzip` as a
browser sends it) loads, one after the other: `/version` (the app's floor),
the member week view, the member day view, the public timetable (a first
visit, then a browser revalidating it with the ETag it got: 304), the
member home, and `/version` again (a shared machine drifts: compare the two).

Printed per page: requests/s, p50/p95/p99 latency, the share of the first
`/version`'s rate, non-2xx/3xx answers, and the bytes of one answer on the
wire and decoded (the week view's HTML size is among them); and the load
average before and after. Nothing is asserted: the figures go to
bench/README.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.support import (  # noqa: E402
    CSRF,
    app_env,
    free_port,
    fresh_database,
    run,
    sqlalchemy_url,
    start_gunicorn,
)

MEMBER = "member1@cupo.demo"
#: what a browser sends, so the pages are measured as they travel
GZIP = {"Accept-Encoding": "gzip"}
#: the first request of a page on a busy machine may take a while
WARM_UP = 60
# wrk prints what it measured through this script: one line that main() parses
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("FIGURES %d %.6f %d %d %d %d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors))
end
"""


def _args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=50, help="wrk -c")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cupo_schedule_bench")
    parser.add_argument("--language", default="es", help="the member's language")
    return parser.parse_args()


def _start_gunicorn(workers: int, env: dict, log: Path):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "--error-logfile", str(log), "wsgi:app"]
    return start_gunicorn(command, env, port, tries=100)


def _member_cookie(base: str, language: str) -> str:
    """The Cookie header of a signed-in demo member."""
    from app.demo import DEMO_PASSWORD

    with httpx.Client(base_url=base, cookies={"cupo_lang": language}) as client:
        token = CSRF.search(client.get("/login").text).group(1)
        answer = client.post(
            "/login", data={"email": MEMBER, "password": DEMO_PASSWORD, "csrf_token": token}
        )
        if answer.status_code != 302:
            sys.exit(f"{MEMBER}: sign-in answered {answer.status_code}")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def _load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def _wrk(url: str, headers: dict, args, script: Path) -> dict:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "30s"]
    command += ["-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("FIGURES ")), None)
    if line is None:
        sys.exit(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    requests, seconds, p50, p95, p99, errors = line.split()[1:]
    return {
        "rate": int(requests) / float(seconds),
        "p50": int(p50) / 1000,
        "p95": int(p95) / 1000,
        "p99": int(p99) / 1000,
        "errors": int(errors),
    }


def main() -> int:
    args = _args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (Debian/Ubuntu)")
    env = app_env(os.environ, sqlalchemy_url(args.server, args.database))
    started = time.perf_counter()
    fresh_database(args.server, args.database, env)
    run([sys.executable, "-m", "flask", "seed", "demo"], env)
    print(
        f"schedule load: wrk -c{args.connections} -d{args.seconds}s, gunicorn -w {args.workers}"
        f" on PostgreSQL ({args.database}, demo gym); set up in"
        f" {time.perf_counter() - started:.1f} s; load average {_load()}"
    )
    log = Path(tempfile.mkdtemp(prefix="cupo-schedule-")) / "gunicorn.log"
    script = log.with_name("report.lua")
    script.write_text(REPORT)
    process, base = _start_gunicorn(args.workers, env, log)
    try:
        member = {"Cookie": _member_cookie(base, args.language), **GZIP}
        anonymous = {"Cookie": f"cupo_lang={args.language}", **GZIP}
        first = httpx.get(f"{base}/schedule", headers=anonymous, timeout=WARM_UP)
        anonymous["Cookie"] += "".join(f"; {k}={v}" for k, v in first.cookies.items())
        revalidating = dict(anonymous)
        if first.headers.get("ETag"):
            revalidating["If-None-Match"] = first.headers["ETag"]
        pages = [
            ("/version", "/version", {}),
            ("member week view", "/app/schedule?view=week", member),
            ("member day view", "/app/schedule?view=day", member),
            ("public timetable", "/schedule", anonymous),
            ("public timetable, revalidated", "/schedule", revalidating),
            ("member home", "/app/", member),
            ("/version, again", "/version", {}),
        ]
        print(
            f"{'page':<30} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
            f" {'/version':>9} {'errors':>6} {'wire':>7} {'decoded':>7}"
        )
        floor = None
        for label, path, headers in pages:
            answer = httpx.get(f"{base}{path}", headers={**GZIP, **headers}, timeout=WARM_UP)
            if answer.status_code not in (200, 304):
                sys.exit(f"{label}: {path} answered {answer.status_code}")
            figures = _wrk(f"{base}{path}", {**GZIP, **headers}, args, script)
            floor = floor or figures["rate"]
            print(
                f"{label:<30} {figures['rate']:>8.0f} {figures['p50']:>7.1f}"
                f" {figures['p95']:>7.1f} {figures['p99']:>7.1f}"
                f" {figures['rate'] / floor:>8.0%} {figures['errors']:>6}"
                f" {answer.num_bytes_downloaded:>7} {len(answer.content):>7}"
            )
        print(f"load average after: {_load()}")
    finally:
        process.terminate()
        process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
