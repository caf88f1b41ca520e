"""The sandbox gateway: a pretend payment provider living inside the app.

It hosts its own checkout page (`billing_online.sandbox_checkout`), takes a
test card number and tells the shop the outcome the way a real provider
does: a signed webhook event POSTed to `/billing/webhooks/sandbox`, sent by
a job through the app's whole HTTP stack (httpx's WSGI transport: no
network, but routing, signature checks and the CSRF exemption run for real).

Test cards (spaces and dashes are ignored; any CVC, and an expiry in MM/YY
form that has not passed, as a real gateway asks):

    4242 4242 4242 4242  the payment succeeds
    4000 0000 0000 0002  the card is declined
    4000 0000 0000 9995  declined: insufficient funds
    4000 0000 0000 0077  pending: the bank confirms it later; `settle_pending`
                         (every minute) sends payment.succeeded once it has been
                         pending for SANDBOX_SETTLE_SECONDS (30 by default)

Any other number is "not a test card" (a field error on the checkout page),
and so is an expired card or an expiry that is not a real MM/YY date.

It is on while the config's SANDBOX_GATEWAY is (default on in development
and tests, off in production; a staging install turns it on). Off, it takes
nothing: its checkout is a 404 (`checkout_order` finds nothing), `charge`
refuses, the webhook endpoint does not know it, and its jobs do nothing.
"""

import hashlib
import hmac
import json
import logging
import re
import secrets
from datetime import date, timedelta
from urllib.parse import urlencode

import httpx
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.billing.gateways import (
    DECLINED,
    EVENT_TYPES,
    PENDING,
    SUCCEEDED,
    GatewayEvent,
    MalformedEvent,
    check_signature,
    register_gateway,
    signature_header,
)
from app.billing.models import Order, OrderStatus, WebhookEvent
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.i18n import gym_today
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.extensions import db

log = logging.getLogger(__name__)

NAME = "sandbox"
SIGNATURE_HEADER = "Cupo-Signature"
WEBHOOK_PATH = f"/billing/webhooks/{NAME}"
DEFAULT_SETTLE_SECONDS = 30
#: MM/YY, ASCII digits only; a card is valid through the end of its month
EXPIRY = re.compile(r"^\s*([0-9]{2})\s*/\s*([0-9]{2})\s*$", re.ASCII)
#: no card is issued for longer than this many years
MAX_EXPIRY_YEARS = 20

#: card number → (event type, decline reason code)
TEST_CARDS = {
    "4242424242424242": (SUCCEEDED, ""),
    "4000000000000002": (DECLINED, "card_declined"),
    "4000000000009995": (DECLINED, "insufficient_funds"),
    "4000000000000077": (PENDING, ""),
}


class SandboxError(DomainError):
    """The sandbox would not take this payment; `str(exc)` says why."""


def enabled() -> bool:
    """SANDBOX_GATEWAY: whether this install takes test payments."""
    return bool(current_app.config.get("SANDBOX_GATEWAY"))


def webhook_secret() -> str:
    """SANDBOX_WEBHOOK_SECRET, or one derived from SECRET_KEY."""
    configured = current_app.config.get("SANDBOX_WEBHOOK_SECRET")
    if configured:
        return configured
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"cupo-sandbox-webhooks", hashlib.sha256).hexdigest()


def settle_after() -> timedelta:
    return timedelta(
        seconds=int(current_app.config.get("SANDBOX_SETTLE_SECONDS") or DEFAULT_SETTLE_SECONDS)
    )


def new_ref() -> str:
    return "sbx_" + secrets.token_urlsafe(18)


def card_digits(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "")


def expiry_error(text: str | None, today: date) -> str | None:
    """Why a card's MM/YY expiry is refused (malformed, a month that does
    not exist, a year no card is issued for, or already past), or None.

    A rule only: raises nothing, queues nothing.
    """
    match = EXPIRY.match(text or "")
    if match is None:
        return _("Use the form MM/YY.")
    month, year = int(match.group(1)), 2000 + int(match.group(2))
    if not 1 <= month <= 12:
        return _("Enter a month from 01 to 12.")
    if (year, month) < (today.year, today.month):
        return _("This card has expired.")
    if year > today.year + MAX_EXPIRY_YEARS:
        return _("Enter the expiry date printed on the card.")
    return None


class SandboxGateway:
    name = NAME
    is_test = True

    def enabled(self) -> bool:
        return enabled()

    def start_checkout(self, order: Order, return_url: str) -> str:
        url = url_for("billing_online.sandbox_checkout", ref=order.gateway_ref)
        return f"{url}?{urlencode({'return': return_url})}"

    def verify(self, headers, raw_body: bytes) -> GatewayEvent:
        check_signature(headers.get(SIGNATURE_HEADER), raw_body, webhook_secret(), utc_now())
        try:
            data = json.loads(raw_body)
            event = GatewayEvent(
                id=str(data["id"]),
                type=str(data["type"]),
                ref=str(data["ref"]),
                amount_minor=int(data["amount_minor"]),
                currency=str(data["currency"]),
                reason=str(data.get("reason") or ""),
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise MalformedEvent(str(exc)) from exc
        if not event["id"] or len(event["id"]) > 120 or event["type"] not in EVENT_TYPES:
            raise MalformedEvent("unknown event id or type")
        return event


register_gateway(SandboxGateway())


def event_body(order: Order, event_type: str, reason: str = "", event_id: str = "") -> str:
    return json.dumps(
        {
            "id": event_id or "evt_" + secrets.token_hex(12),
            "type": event_type,
            "created": int(utc_now().timestamp()),
            "ref": order.gateway_ref,
            "amount_minor": order.amount_minor,
            "currency": order.currency,
            "reason": reason,
        }
    )


def charge(ref: str, card_number: str, expiry: str, *, member_id: int) -> str:
    """The member paid at the sandbox checkout with a test card.

    Records the outcome and returns the event type it will deliver. Raises
    SandboxError for an unknown card (field "card_number"), an expired card
    or a malformed expiry (field "expiry", see `expiry_error`), an unknown
    checkout or another member's, an order that is not waiting for payment,
    or when the sandbox is off; nothing is charged then. Queues
    `billing.sandbox_deliver` with the signed event's body after commit.
    """
    if not enabled():
        raise SandboxError(_("We couldn't find this checkout."))
    outcome = TEST_CARDS.get(card_digits(card_number))
    if outcome is None:
        raise SandboxError(
            _("This is not a test card. Use one of the numbers listed."), field="card_number"
        )
    refused = expiry_error(expiry, gym_today())
    if refused:
        raise SandboxError(refused, field="expiry")
    event_type, reason = outcome
    with transaction():
        order = _checkout_order(ref, member_id)
        if order.status not in (OrderStatus.OPEN, OrderStatus.DECLINED):
            raise SandboxError(_("This order is already paid or being confirmed."))
        enqueue_after_commit("billing.sandbox_deliver", event_body(order, event_type, reason))
    return event_type


def _checkout_order(ref: str, member_id: int) -> Order:
    order = db.session.scalar(select(Order).where(Order.gateway == NAME, Order.gateway_ref == ref))
    if order is None or order.member_id != member_id:
        raise SandboxError(_("We couldn't find this checkout."))
    return order


def checkout_order(ref: str, member_id: int) -> Order | None:
    """The member's sandbox order with this reference, or None (always
    None while the sandbox is off)."""
    if not enabled():
        return None
    try:
        return _checkout_order(ref, member_id)
    except SandboxError:
        return None


class DeliveryFailed(Exception):
    """The webhook endpoint did not answer 200; the outbox tries again."""


def deliver_event(body: str) -> None:
    """Job: POST one signed event to the app's own webhook endpoint (which
    stores it). Raises DeliveryFailed unless it answers 200, so the outbox
    tries again. Queues nothing itself (the endpoint queues the processing).
    While the sandbox is off it sends nothing."""
    if not enabled():
        log.warning("sandbox gateway is off: event not delivered")
        return
    app = current_app._get_current_object()
    raw = body.encode()
    headers = {
        SIGNATURE_HEADER: signature_header(webhook_secret(), raw, utc_now()),
        "Content-Type": "application/json",
    }
    transport = httpx.WSGITransport(app=app)
    with httpx.Client(transport=transport, base_url=app.config["BASE_URL"]) as client:
        response = client.post(WEBHOOK_PATH, content=raw, headers=headers)
    if response.status_code != 200:
        raise DeliveryFailed(f"webhook answered {response.status_code}")


def settle_pending() -> int:
    """Periodic: payments pending at the sandbox for `settle_after()` succeed.

    Sends one payment.succeeded per order (a fixed event id, so a repeat is a
    duplicate the endpoint ignores). Returns how many were sent. Raises
    nothing of its own. Queues one `billing.sandbox_deliver` per order
    (at most 200 a run), after commit. Does nothing while the sandbox is off.
    """
    if not enabled():
        return 0
    cutoff = utc_now() - settle_after()
    pending_refs = select(WebhookEvent.payload["ref"].as_string()).where(
        WebhookEvent.gateway == NAME,
        WebhookEvent.event_type == PENDING,
        WebhookEvent.received_at <= cutoff,
    )
    with transaction():
        orders = db.session.scalars(
            select(Order)
            .where(Order.gateway == NAME, Order.status == OrderStatus.PENDING)
            .where(Order.gateway_ref.in_(pending_refs))
            .order_by(Order.id)
            .limit(200)
        ).all()
        for order in orders:
            body = event_body(order, SUCCEEDED, event_id=f"evt_settle_{order.gateway_ref}")
            enqueue_after_commit("billing.sandbox_deliver", body)
    return len(orders)
