"""The one wiring point: each domain's `init_app` connects its receivers and
declares its jobs, and `create_app` imports nothing only for its effects."""

import ast
import importlib
import inspect

import pytest
from flask import Flask

import app as app_package
from app.core import jobs, signals

#: what each domain's init_app must have plugged in
RECEIVERS = {
    "booking": [
        (signals.spots_taken, "app.booking.queries.occupancy", "taken_by_session", None),
        (signals.people_on_session, "app.booking.queries.occupancy", "people_on", None),
        (signals.session_changed, "app.booking.services.waitlist", "on_session_change", None),
        (signals.ledger_audited, "app.booking.queries.credits", "spend_breaches", None),
        (signals.bookings_described, "app.booking.queries.credits", "classes_of", None),
    ],
    "attendance": [
        (signals.booking_attended, "app.attendance.services", "attended", None),
        (signals.email_extras, "app.attendance.tokens", "checkin_extras", "booking_confirmed"),
    ],
    "billing": [
        (
            signals.email_extras,
            "app.billing.services.documents",
            "receipt_extras",
            "invoice_issued",
        ),
        (
            signals.email_extras,
            "app.billing.services.documents",
            "receipt_extras",
            "credit_note_issued",
        ),
    ],
    "memberships": [
        (
            signals.email_extras,
            "app.memberships.services.renewals",
            "email_extras",
            "membership_past_due",
        ),
        (
            signals.email_extras,
            "app.memberships.services.renewals",
            "email_extras",
            "membership_expired",
        ),
    ],
}
JOBS = {
    "accounts": ["accounts.send_temporary_password", "accounts.send_password_reset"],
    "attendance": ["attendance.mark_no_shows"],
    "billing": [
        "billing.render_invoice",
        "billing.process_webhook_event",
        "billing.sandbox_deliver",
    ],
    "booking": ["booking.promote_waitlist"],
    "notifications": ["notifications.deliver_email", "notifications.deliver"],
}


def _receiver(module: str, name: str):
    return getattr(__import__(module, fromlist=[name]), name)


@pytest.mark.parametrize("domain, wiring", RECEIVERS.items())
def test_each_domain_connects_its_receivers(app, domain, wiring):
    for signal, module, name, sender in wiring:
        receiver = _receiver(module, name)
        # a sender nobody filters on reaches only the receivers of every sender
        connected = list(signal.receivers_for(sender or object()))
        assert receiver in connected, f"{domain}: {name} not connected to {signal.name}"


@pytest.mark.parametrize("domain, names", JOBS.items())
def test_each_domain_declares_its_own_jobs_and_they_resolve(domain, names):
    """The domain's init_app alone, on a bare app, declares exactly its jobs."""
    bare = Flask(__name__)
    importlib.import_module(f"app.{domain}").init_app(bare)
    registered = jobs.registered_jobs(bare)
    assert sorted(registered) == sorted(names)
    for name in names:
        module, _, function = registered[name].partition(":")
        assert callable(_receiver(module, function)), f"{domain}: {name} does not resolve"


def test_every_registered_job_resolves_to_a_function(app):
    for name, target in jobs.registered_jobs(app).items():
        module, _, function = target.partition(":")
        assert callable(_receiver(module, function)), name


def test_create_app_has_no_import_kept_only_for_its_side_effects():
    tree = ast.parse(inspect.getsource(app_package))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
            pytest.fail(
                f"line {node.lineno}: `import {', '.join(names)}` runs only for its effects"
            )
        if isinstance(node, ast.ImportFrom) and node.module:
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            used |= {
                n.value.id
                for n in ast.walk(tree)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            }
            for alias in node.names:
                assert (alias.asname or alias.name) in used, (
                    f"line {node.lineno}: {alias.name} is imported but never used"
                )
