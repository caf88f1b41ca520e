"""Helpers for the online-purchase tests: orders, signed sandbox events, counts."""

import json
import secrets

from sqlalchemy import func, select

from app.billing.gateways import signature_header
from app.billing.gateways.sandbox import SIGNATURE_HEADER, WEBHOOK_PATH, webhook_secret
from app.billing.models import Invoice, Order, Payment, WebhookEvent
from app.billing.services.orders import place_order
from app.core.models import utc_now
from app.memberships.models import CreditLot, LedgerEntry


def order_for(member, plan) -> Order:
    return place_order(plan.id, actor=member)


def event(order: Order, event_type: str = "payment.succeeded", **fields) -> dict:
    return {
        "id": fields.pop("id", "evt_" + secrets.token_hex(8)),
        "type": event_type,
        "created": int(utc_now().timestamp()),
        "ref": order.gateway_ref,
        "amount_minor": order.amount_minor,
        "currency": order.currency,
        "reason": "",
        **fields,
    }


def signed(body: dict | bytes, *, at=None, secret: str | None = None) -> tuple[bytes, dict]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    header = signature_header(secret or webhook_secret(), raw, at or utc_now())
    return raw, {SIGNATURE_HEADER: header, "Content-Type": "application/json"}


def deliver(client, body: dict | bytes, **kw):
    raw, headers = signed(body, **kw)
    return client.post(WEBHOOK_PATH, data=raw, headers=headers)


def counts(db) -> dict[str, int]:
    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))

    return {
        "payments": count(Payment),
        "invoices": count(Invoice),
        "lots": count(CreditLot),
        "ledger": count(LedgerEntry),
        "events": count(WebhookEvent),
    }


def fresh(db, model, object_id):
    return db.session.get(model, object_id, populate_existing=True)
