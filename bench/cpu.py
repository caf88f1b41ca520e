"""CPU seconds spent by each kind of process on this machine, read from /proc:
what a race costs the app, the client, PostgreSQL and the rest (Linux only)."""

import os
from pathlib import Path

#: (group, what its command line contains), first match wins
GROUPS = (
    ("client", "booking_storm"),
    ("app", "gunicorn"),
    ("postgresql", "postgres"),
    ("rq", "rq worker"),
    ("redis", "redis-server"),
)
_TICKS = os.sysconf("SC_CLK_TCK")


def snapshot() -> dict[tuple[str, str], float]:
    """CPU seconds so far of every process, keyed by (pid, group)."""
    taken = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        group = next((name for name, mark in GROUPS if mark in command), "other")
        taken[(entry.name, group)] = (int(fields[11]) + int(fields[12])) / _TICKS
    return taken


def spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each group spent between two snapshots, largest first."""
    groups: dict[str, float] = {}
    for key, seconds in after.items():
        groups[key[1]] = groups.get(key[1], 0.0) + seconds - before.get(key, 0.0)
    return dict(sorted(groups.items(), key=lambda item: -item[1]))


def line(groups: dict[str, float], requests: int) -> str:
    """ "app 12.6 s (12.8 ms per request), client 3.9 s (4.0 ms), ..." """
    return ", ".join(
        f"{name} {seconds:.1f} s ({seconds / max(requests, 1) * 1000:.1f} ms)"
        for name, seconds in groups.items()
        if seconds >= 0.05
    )
