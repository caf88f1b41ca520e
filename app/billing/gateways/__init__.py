"""Payment gateways: what the shop and the webhook endpoint need from one.

A gateway hosts the checkout (the member pays there, off our pages) and
tells us the outcome by signed webhook events. Adding Stripe or Mercado
Pago is one module here with a class that fits `Gateway`, registered with
`register_gateway`. A gateway is on when its config says so (`enabled`):
one that is off answers nothing (`gateway` raises KeyError, so its
webhooks are a 404). The shop sells through the first real gateway that is
on, else through a test one (the sandbox) that is on, else it is closed.
Events come back normalised to `GatewayEvent`:

    {"id": "evt_…", "type": "payment.succeeded" | "payment.declined" | "payment.pending",
     "ref": <Order.gateway_ref>, "amount_minor": int, "currency": "MXN", "reason": ""}
"""

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from typing import Protocol, TypedDict

from flask import current_app

#: events older (or further in the future) than this are refused (invariant 5)
SIGNATURE_TOLERANCE = timedelta(minutes=5)
#: the event types an order listens to
SUCCEEDED, DECLINED, PENDING = "payment.succeeded", "payment.declined", "payment.pending"
EVENT_TYPES = (SUCCEEDED, DECLINED, PENDING)


class GatewayEvent(TypedDict):
    id: str
    type: str
    ref: str
    amount_minor: int
    currency: str
    reason: str


class SignatureError(Exception):
    """The request is not a genuine, fresh event from the gateway (answer 400)."""


class MalformedEvent(Exception):
    """The body is signed but is not an event we can read (answer 400)."""


class Gateway(Protocol):
    #: short and stable: stored on orders and events
    name: str
    #: takes test cards only, no real money (the sandbox)
    is_test: bool

    def enabled(self) -> bool:
        """Whether this install takes payments through it (read from the config)."""

    def start_checkout(self, order, return_url: str) -> str:
        """Where to send the member to pay `order`; they come back to `return_url`."""

    def verify(self, headers, raw_body: bytes) -> GatewayEvent:
        """The event in a webhook request; raises SignatureError or MalformedEvent."""


_GATEWAYS: dict[str, Gateway] = {}


def register_gateway(instance: Gateway) -> Gateway:
    _GATEWAYS[instance.name] = instance
    return instance


def _registered() -> dict[str, Gateway]:
    if not _GATEWAYS:
        from app.billing.gateways import sandbox  # noqa: F401  registers itself
    return _GATEWAYS


def gateway(name: str) -> Gateway:
    """The gateway called `name`; raises KeyError for one we don't know or
    one that is off in this install."""
    found = _registered()[name]
    if not found.enabled():
        raise KeyError(name)
    return found


def checkout_gateway() -> Gateway | None:
    """Where new orders go: the first real gateway that is on, else a test
    one that is on; None when none is (the shop is closed)."""
    enabled = [g for g in _registered().values() if g.enabled()]
    enabled.sort(key=lambda g: g.is_test)
    return enabled[0] if enabled else None


def test_payments_live() -> bool:
    """A production install takes test payments: every page must say so."""
    return current_app.config.get("CUPO_ENV") == "production" and any(
        g.is_test and g.enabled() for g in _registered().values()
    )


# ---- Stripe-style signatures: "t=<unix>,v1=<hex hmac-sha256 of 't.body'>" ----------


#: a unix time in seconds, and a hex SHA-256 digest, as the header carries them
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def signature_header(secret: str, raw_body: bytes, at: datetime) -> str:
    timestamp = int(at.timestamp())
    return f"t={timestamp},v1={_digest(secret, timestamp, raw_body)}"


def check_signature(header: str | None, raw_body: bytes, secret: str, now: datetime) -> None:
    """Raise SignatureError unless `header` signs `raw_body` with `secret`
    at a time within SIGNATURE_TOLERANCE of `now` (compared in constant time)."""
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    # strict patterns: int() reads "²" and 400-digit numbers, compare_digest
    # refuses non-ASCII str; what a client sends is never a 500
    raw_timestamp = (parts.get("t") or [""])[0]
    if not _TIMESTAMP.fullmatch(raw_timestamp):
        raise SignatureError("missing or unreadable timestamp")
    timestamp = int(raw_timestamp)
    expected = _digest(secret, timestamp, raw_body).encode()
    signatures = [value.encode() for value in parts.get("v1", []) if _HEX_DIGEST.fullmatch(value)]
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise SignatureError("signature does not match")
    if abs(now.timestamp() - timestamp) > SIGNATURE_TOLERANCE.total_seconds():
        raise SignatureError("timestamp outside the tolerance")


def _digest(secret: str, timestamp: int, raw_body: bytes) -> str:
    message = str(timestamp).encode() + b"." + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
