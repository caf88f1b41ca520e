"""Liveness for load balancers: /healthz and /version."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.extensions import db, limiter

bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        db.session.rollback()
        return False


def _redis_state() -> str:
    if not current_app.config["REDIS_URL"] and "cupo_redis" not in current_app.extensions:
        return "not configured"
    from app.core.queue import connection

    try:
        connection().ping()
        return "ok"
    except Exception:
        return "down"


@bp.get("/healthz")
@limiter.exempt
def healthz():
    checks = {"database": "ok" if _database_ok() else "down", "redis": _redis_state()}
    healthy = "down" not in checks.values()
    return jsonify(status="ok" if healthy else "down", checks=checks), 200 if healthy else 503


@bp.get("/version")
@limiter.exempt
def version():
    return jsonify(version=current_app.config["VERSION"], commit=current_app.config["GIT_SHA"])
