"""What an RQ worker runs: an outbox row, inside the app.

The app is built once per worker process (`worker_app`). The Procfile runs
RQ's SimpleWorker, which runs every job in that process: RQ's default
worker forks a new process per job, which would build the app again each
time (about a second, more than most jobs take).
"""

from functools import cache

from flask import has_app_context

from app import create_app
from app.core import jobs


@cache
def worker_app():
    return create_app()


def _in_app(func, *args):
    if has_app_context():  # a worker started inside the app (tests, bin/dev)
        return func(*args)
    with worker_app().app_context():
        return func(*args)


def run_outbox_job(outbox_id: int) -> None:
    _in_app(jobs.run_outbox_job, outbox_id)


def sweep_outbox() -> None:
    """Periodic: push again what a Redis or worker outage left behind."""
    _in_app(jobs.sweep_outbox)


def seal_audit_log() -> None:
    """Every minute: link the audit entries committed since into the chain."""
    from app.core.audit import seal

    _in_app(seal)


def fill_timetable_horizon() -> None:
    """Daily: generate the timetable's sessions that came into the horizon."""
    from app.scheduling.services.timetable import fill_horizon

    _in_app(fill_horizon)


def expire_holds() -> None:
    """Every minute: tidy lapsed holds and move waitlists along."""
    from app.booking.services.waitlist import expire_holds as expire

    _in_app(expire)


def cancel_lapsed_one_to_ones() -> None:
    """Every five minutes: cancel 1:1 sessions whose hold lapsed unbooked."""
    from app.staff.services.availability import cancel_lapsed_one_to_ones as cancel

    _in_app(cancel)


def daily_housekeeping() -> None:
    """Daily: expire credit lots, forget idempotency keys older than 48 h,
    scans older than 90 days, ended sign-ins older than any cookie and read
    notifications older than 90 days."""
    from app.accounts.services.accounts import purge_ended_sign_ins
    from app.attendance.services import purge_scan_log
    from app.core.idempotency.services import purge_keys
    from app.memberships.services.memberships import expire_credit_lots
    from app.notifications.services.centre import purge_read

    _in_app(expire_credit_lots)
    _in_app(purge_keys)
    _in_app(purge_scan_log)
    _in_app(purge_ended_sign_ins)
    _in_app(purge_read)


def check_renewals() -> None:
    """Daily: lapsed memberships become past due, then expired after the grace."""
    from app.memberships.services.renewals import check_renewals as check

    _in_app(check)


def mark_no_shows() -> None:
    """Every five minutes: bookings of finished classes nobody checked in to."""
    from app.attendance.services import mark_no_shows as mark

    _in_app(mark)


def tend_online_payments() -> None:
    """Every minute: retry webhook events whose backoff is over, and let the
    sandbox gateway settle payments that have been pending long enough."""
    from app.billing.gateways.sandbox import settle_pending
    from app.billing.services.webhooks import retry_due_events

    _in_app(retry_due_events)
    _in_app(settle_pending)


def send_reminders() -> None:
    """Every five minutes: the 24 h and 1 h reminders of booked classes."""
    from app.booking.services.reminders import send_reminders as send

    _in_app(send)


def warn_expiring_credits() -> None:
    """Hourly: from 09:00 gym time, warn of credits expiring in 7 days and in 1."""
    from app.memberships.services.credit_warnings import warn_expiring_credits as warn

    _in_app(warn)


def send_uncovered_digest() -> None:
    """Hourly: from 07:00 gym time, once a day, email admins the classes within
    72 hours whose trainer is on leave and that have no substitute."""
    from app.staff.services.cover import send_uncovered_digest as send

    _in_app(send)


def draft_pay_statements() -> None:
    """Hourly: on the 1st from 06:00 gym time, draft last month's pay statements."""
    from app.staff.services.pay import draft_last_month

    _in_app(draft_last_month)
