"""Where people land: home per role, and safe redirects."""

from urllib.parse import urlsplit

from flask import url_for

from app.core.roles import Role


def home_for(user) -> str:
    if user.role is Role.MEMBER:
        return url_for("members.home")
    if user.role is Role.TRAINER:
        return url_for("trainers.home")
    return url_for("admin.dashboard")


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
