"""RQ plumbing: the connection, the queue and the worker-side entry point."""

from flask import current_app
from redis import Redis
from rq import Queue, Retry

_connections: dict[str, Redis] = {}


def redis_connection(url: str | None = None) -> Redis:
    url = url or current_app.config["REDIS_URL"]
    if url not in _connections:
        _connections[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return _connections[url]


def connection() -> Redis:
    """The app's Redis; tests put fakeredis in `app.extensions["cupo_redis"]`."""
    return current_app.extensions.get("cupo_redis") or redis_connection()


def job_queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=connection())


def push(outbox_id: int) -> None:
    """Put outbox row `outbox_id` on the RQ queue; raises if Redis is down."""
    job_queue().enqueue(
        "jobs.runner.run_outbox_job",
        outbox_id,
        job_id=f"outbox-{outbox_id}",
        retry=Retry(max=3, interval=[10, 60, 300]),
        failure_ttl=7 * 24 * 3600,
    )
