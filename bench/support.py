"""What the benchmarks that run the app under gunicorn share: a fresh
PostgreSQL database migrated for the app, the environment the app reads, and
gunicorn on a free port, waited for until `/healthz` answers.

Imported by bench/booking_storm.py and bench/schedule_load.py, which put the
repository root on `sys.path` first.
"""

import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
#: a page's CSRF token, as the layouts print it
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def sqlalchemy_url(server: str, database: str) -> str:
    """The app's DATABASE_URL for `database` on `server` (a postgresql:// URL)."""
    return f"{server.replace('postgresql://', 'postgresql+psycopg://')}/{database}"


def app_env(environ: dict, database_url: str) -> dict:
    """`environ` without REDIS_URL (a caller that wants Redis sets it), with
    the app pointed at `database_url`, a fresh secret, and sign-in limits
    that let every simulated member in."""
    env = {key: value for key, value in environ.items() if key != "REDIS_URL"}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        CUPO_ENV="development",
        FLASK_APP="wsgi:app",
        LOGIN_LIMIT_PER_IP="100000 per minute",
        LOGIN_LIMIT_PER_EMAIL="100000 per minute",
    )
    return env


def recreate_database(server: str, name: str) -> None:
    """Drop `name` (closing its connections) and create it empty."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(command: list[str], env: dict) -> None:
    """Run `command` in the repository root; exit with its output if it fails."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def fresh_database(server: str, name: str, env: dict) -> None:
    """Recreate `name` and migrate it (`flask db upgrade` with `env`)."""
    recreate_database(server, name)
    run([sys.executable, "-m", "flask", "db", "upgrade"], env)


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now (another bench running at
    the same time gets another one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(command: list[str], env: dict, port: int, *, tries: int = 150):
    """Start `command` (gunicorn bound to 127.0.0.1:`port`) in the repository
    root; (process, base URL) once `/healthz` answers. Exits if it never does."""
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(tries):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    sys.exit(f"gunicorn did not come up: {' '.join(command)}")
