"""The webhook endpoint and event processing: signatures, duplicates,
exactly-once payment, failures, retries and the admins' events page."""

import json
from datetime import timedelta

import pytest

from app.billing.models import EventStatus, Order, OrderStatus, Payment, WebhookEvent
from app.billing.services import payments, webhooks
from app.memberships import ledger
from tests.billing.conftest import NOW
from tests.billing.online_support import counts, deliver, event, fresh, order_for, signed
from tests.conftest import post_form


@pytest.fixture
def paying(till):
    """A member, a 10-credit pack and the member's open order for it."""
    member = till.member()
    pack = till.pack(credits=10, price_minor=120_000)
    return member, order_for(member, pack)


def test_signed_succeeded_event_pays_the_order_once(client, db, paying):
    member, order = paying

    response = deliver(client, event(order))

    assert response.status_code == 200
    order = fresh(db, Order, order.id)
    assert order.status is OrderStatus.PAID and order.payment_id is not None
    payment = db.session.get(Payment, order.payment_id)
    assert (payment.method.value, payment.amount_minor, payment.reference) == (
        "online",
        120_000,
        order.gateway_ref,
    )
    assert payment.invoice is not None
    assert ledger.balance(member.id) == 1000
    assert counts(db)["payments"] == 1


@pytest.mark.parametrize(
    "tamper",
    [
        "bad_signature",
        "wrong_secret",
        "missing_header",
        "tampered_body",
        "no_timestamp",
        "non_ascii_signature",
        "superscript_timestamp",
        "huge_timestamp",
    ],
)
def test_event_without_a_valid_signature_is_refused_and_nothing_recorded(
    client, db, paying, tamper
):
    _, order = paying
    raw, headers = signed(event(order))
    before = counts(db)
    if tamper == "bad_signature":
        headers["Cupo-Signature"] = headers["Cupo-Signature"][:-4] + "0000"
    elif tamper == "wrong_secret":
        raw, headers = signed(event(order), secret="not-the-secret")
    elif tamper == "missing_header":
        del headers["Cupo-Signature"]
    elif tamper == "tampered_body":
        raw = raw.replace(b"120000", b"1")
    elif tamper == "non_ascii_signature":  # compare_digest raises on non-ASCII str
        headers["Cupo-Signature"] = headers["Cupo-Signature"][:-1] + "é"
    elif tamper == "superscript_timestamp":  # a digit to isdigit(), not to int()
        headers["Cupo-Signature"] = "t=²," + headers["Cupo-Signature"].split(",", 1)[1]
    elif tamper == "huge_timestamp":  # too large to subtract from a float
        headers["Cupo-Signature"] = "t=" + "9" * 400 + "," + headers["Cupo-Signature"].split(",")[1]
    else:
        headers["Cupo-Signature"] = headers["Cupo-Signature"].split(",", 1)[1]

    response = client.post("/billing/webhooks/sandbox", data=raw, headers=headers)

    assert response.status_code == 400
    assert counts(db) == before
    assert fresh(db, Order, order.id).status is OrderStatus.OPEN


@pytest.mark.parametrize("skew", [timedelta(minutes=5, seconds=1), -timedelta(minutes=6)])
def test_event_signed_more_than_five_minutes_away_is_refused(client, db, paying, skew):
    _, order = paying
    before = counts(db)

    response = deliver(client, event(order), at=NOW - skew)

    assert response.status_code == 400
    assert counts(db) == before


def test_event_signed_four_minutes_ago_is_accepted(client, db, paying):
    _, order = paying
    assert deliver(client, event(order), at=NOW - timedelta(minutes=4)).status_code == 200
    assert fresh(db, Order, order.id).status is OrderStatus.PAID


def test_unknown_gateway_is_404_and_malformed_body_is_400(client, db, paying):
    _, order = paying
    raw, headers = signed(event(order))
    assert client.post("/billing/webhooks/paypal", data=raw, headers=headers).status_code == 404
    for body in (b"not json", json.dumps({"id": "evt_1"}).encode(), b"[]"):
        raw, headers = signed(body)
        response = client.post("/billing/webhooks/sandbox", data=raw, headers=headers)
        assert response.status_code == 400, body
    assert counts(db)["events"] == 0


def test_same_event_delivered_twice_makes_one_payment(client, db, paying):
    _, order = paying
    body = event(order)

    first, second = deliver(client, body), deliver(client, body)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_json()["duplicate"] is True
    assert counts(db)["payments"] == 1 and counts(db)["events"] == 1


def test_same_payment_as_two_event_ids_makes_one_payment(client, db, paying):
    member, order = paying

    deliver(client, event(order, id="evt_a"))
    deliver(client, event(order, id="evt_b"))

    assert counts(db)["payments"] == 1 and counts(db)["invoices"] == 1
    assert counts(db)["events"] == 2
    assert ledger.balance(member.id) == 1000
    statuses = {e.event_id: e.status for e in db.session.query(WebhookEvent)}
    assert statuses == {"evt_a": EventStatus.PROCESSED, "evt_b": EventStatus.PROCESSED}


def test_declined_event_records_the_reason_and_nothing_else(client, db, paying):
    member, order = paying
    before = counts(db)

    deliver(client, event(order, "payment.declined", reason="card_declined"))

    order = fresh(db, Order, order.id)
    assert (order.status, order.decline_reason, order.payment_id) == (
        OrderStatus.DECLINED,
        "card_declined",
        None,
    )
    after = counts(db)
    assert {k: after[k] - before[k] for k in after} == {
        "payments": 0,
        "invoices": 0,
        "lots": 0,
        "ledger": 0,
        "events": 1,
    }
    assert ledger.balance(member.id) == 0


def test_pending_then_succeeded_pays_and_a_late_decline_changes_nothing(client, db, paying):
    _, order = paying
    deliver(client, event(order, "payment.pending"))
    assert fresh(db, Order, order.id).status is OrderStatus.PENDING

    deliver(client, event(order))
    deliver(client, event(order, "payment.declined", reason="card_declined"))

    assert fresh(db, Order, order.id).status is OrderStatus.PAID
    assert counts(db)["payments"] == 1


def test_event_with_another_amount_fails_and_pays_nothing(client, db, paying):
    _, order = paying
    deliver(client, event(order, amount_minor=1))

    stored = db.session.query(WebhookEvent).one()
    assert stored.status is EventStatus.RECEIVED and stored.attempts == 1
    assert stored.last_error == "The amount paid does not match the order."
    assert counts(db)["payments"] == 0


def _failing(monkeypatch, times: int):
    calls = {"n": 0}
    real = payments.record_payment

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise RuntimeError(f"ledger offline ({calls['n']})")
        return real(*args, **kwargs)

    monkeypatch.setattr(webhooks, "record_payment", flaky)
    return calls


def test_failure_is_recorded_and_retried_after_its_backoff(client, db, clock, monkeypatch, paying):
    _, order = paying
    order_id = order.id
    _failing(monkeypatch, times=1)
    deliver(client, event(order))
    stored = db.session.query(WebhookEvent).one()
    assert (stored.status, stored.attempts, stored.last_error) == (
        EventStatus.RECEIVED,
        1,
        "ledger offline (1)",
    )

    assert webhooks.retry_due_events() == 0  # the backoff is not over yet
    clock(NOW + timedelta(seconds=31))
    assert webhooks.retry_due_events() == 1

    stored = fresh(db, WebhookEvent, stored.id)
    assert (stored.status, stored.attempts, stored.last_error) == (EventStatus.PROCESSED, 2, None)
    assert fresh(db, Order, order_id).status is OrderStatus.PAID
    assert counts(db)["payments"] == 1


def test_event_failing_every_retry_is_failed_listed_and_an_admin_retry_pays_once(
    client, db, clock, login, monkeypatch, till, paying
):
    _, order = paying
    order_id = order.id
    calls = _failing(monkeypatch, times=webhooks.MAX_ATTEMPTS)
    deliver(client, event(order, id="evt_stuck"))
    for minutes in (1, 3, 13, 43):
        clock(NOW + timedelta(minutes=minutes))
        assert webhooks.retry_due_events() == 1
    stored = db.session.query(WebhookEvent).one()
    assert (stored.status, stored.attempts) == (EventStatus.FAILED, webhooks.MAX_ATTEMPTS)
    assert stored.last_error == f"ledger offline ({webhooks.MAX_ATTEMPTS})"
    clock(NOW + timedelta(days=1))
    assert webhooks.retry_due_events() == 0  # failed events wait for a person
    assert calls["n"] == webhooks.MAX_ATTEMPTS

    login(till.admin())
    page = client.get("/admin/billing/webhooks?failed=1").get_data(as_text=True)
    assert "evt_stuck" in page and "ledger offline (5)" in page and "payment.succeeded" in page
    response = post_form(
        client, f"/admin/billing/webhooks/{stored.id}/retry", token_from="/admin/billing/webhooks"
    )
    assert response.status_code == 303

    assert fresh(db, WebhookEvent, stored.id).status is EventStatus.PROCESSED
    assert fresh(db, Order, order_id).status is OrderStatus.PAID
    assert counts(db)["payments"] == 1
    assert "evt_stuck" not in client.get("/admin/billing/webhooks?failed=1").get_data(as_text=True)
    again = post_form(
        client, f"/admin/billing/webhooks/{stored.id}/retry", token_from="/admin/billing/webhooks"
    )
    assert again.status_code == 303
    assert counts(db)["payments"] == 1


def test_events_page_is_for_admins_only(client, login, till):
    login(till.member())
    assert client.get("/admin/billing/webhooks").status_code == 403
    login(till.desk())
    assert client.get("/admin/billing/webhooks").status_code == 403


def test_refused_webhooks_are_limited_per_ip_and_signed_ones_never_count(
    app, client, db, paying, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_REFUSAL_LIMIT", "2 per minute")
    _, order = paying

    def post(raw, headers, ip):
        return client.post(
            "/billing/webhooks/sandbox",
            data=raw,
            headers=headers,
            environ_base={"REMOTE_ADDR": ip},
        ).status_code

    genuine = [post(*signed(event(order)), ip="192.0.2.10") for _ in range(3)]
    raw, headers = signed(event(order), secret="not-the-secret")
    forged = [post(raw, headers, ip="203.0.113.66") for _ in range(3)]
    signed_from_there = post(*signed(event(order)), ip="203.0.113.66")

    assert genuine == [200, 200, 200]
    assert forged == [400, 400, 429]
    assert signed_from_there == 429  # the gateway sends it again later
    assert post(*signed(event(order)), ip="192.0.2.10") == 200
