"""Gateway webhook events: stored once, then processed by a job, with retries.

`receive_event` verifies and stores an event (an id seen before is a
duplicate, acknowledged and ignored: the unique constraint decides, so two
deliveries racing each other store one row) and queues `process_event`
after commit. Processing locks the event row, then the order's row, so
however many times an event (or another event for the same payment) is
processed, the order is paid once and `record_payment` runs once
(invariant 5).

A failed run is recorded on the event (attempts, last_error) and retried by
`retry_due_events` (every minute) after a growing delay; after MAX_ATTEMPTS
the event is FAILED, listed for admins, who may retry it (`retry_event`).
"""

import logging
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.billing.gateways import DECLINED, PENDING, SUCCEEDED, gateway
from app.billing.models import EventStatus, Order, OrderStatus, PaymentMethod, WebhookEvent
from app.billing.services.payments import BillingError, Sale, record_payment
from app.core import audit
from app.core.db import transaction
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.core.permissions import ADMIN, require_role
from app.extensions import db

log = logging.getLogger(__name__)


#: runs of one event before it is FAILED and left to an admin
MAX_ATTEMPTS = 5
#: wait after the 1st, 2nd, … failed run before the next one
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)


class WebhookError(BillingError):
    """An event could not be applied; stored on the event as its last error."""


def receive_event(gateway_name: str, headers, raw_body: bytes) -> tuple[WebhookEvent, bool]:
    """Verify and store a webhook event; a duplicate is returned as it was.

    Returns (event, is_duplicate). Raises KeyError for an unknown gateway,
    SignatureError or MalformedEvent (from the gateway) for a bad request,
    Busy when a lock wait runs out; nothing is stored then. Queues
    `billing.process_webhook_event` for a new event, after commit.
    """
    data = gateway(gateway_name).verify(headers, raw_body)
    try:
        with transaction():
            event = WebhookEvent(
                gateway=gateway_name,
                event_id=data["id"],
                event_type=data["type"],
                payload=dict(data),
                received_at=utc_now(),
            )
            db.session.add(event)
            db.session.flush()
            enqueue_after_commit("billing.process_webhook_event", event.id)
    except IntegrityError:
        existing = db.session.scalar(
            select(WebhookEvent).where(
                WebhookEvent.gateway == gateway_name, WebhookEvent.event_id == data["id"]
            )
        )
        if existing is None:  # not the unique constraint after all
            raise
        return existing, True
    return event, False


def process_event(event_id: int) -> None:
    """Job: apply one stored event, once; record a failure for a later retry.

    A failure to apply it (WebhookError, BillingError or anything else) is
    not raised but recorded on the event (attempts, last error; FAILED after
    MAX_ATTEMPTS); only an error while recording that failure escapes.
    Queues `billing.render_invoice` when a payment.succeeded event pays its
    order (through `record_payment`); nothing otherwise.
    """
    try:
        with transaction():
            event = db.session.get(
                WebhookEvent, event_id, with_for_update=True, populate_existing=True
            )
            if event is None or event.status is not EventStatus.RECEIVED:
                return
            event.attempts += 1
            _apply(event)
            event.status = EventStatus.PROCESSED
            event.processed_at = utc_now()
            event.last_error = None
    except Exception as exc:  # anything: recorded for the admins, retried later
        log.warning("webhook event %s failed: %r", event_id, exc)
        _record_failure(event_id, exc)


def _apply(event: WebhookEvent) -> None:
    data = event.payload
    order = db.session.scalar(
        select(Order)
        .where(Order.gateway == event.gateway, Order.gateway_ref == str(data.get("ref")))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise WebhookError(_("No order has this payment reference."))
    if order.status is OrderStatus.PAID:
        return  # paid already (this event, or another one for the same payment)
    if event.event_type == SUCCEEDED:
        _pay(order, data)
    elif event.event_type == DECLINED:
        order.status = OrderStatus.DECLINED
        order.decline_reason = str(data.get("reason") or "")[:200]
        audit.record("order.declined", order, after={"reason": order.decline_reason})
    elif event.event_type == PENDING:
        order.status = OrderStatus.PENDING
        audit.record("order.pending", order)


def _pay(order: Order, data: dict) -> None:
    if (data.get("amount_minor"), data.get("currency")) != (order.amount_minor, order.currency):
        raise WebhookError(_("The amount paid does not match the order."))
    payment = record_payment(
        order.member_id,
        [Sale(order.kind, plan_id=order.plan_id, price_minor=order.amount_minor)],
        method=PaymentMethod.ONLINE,
        actor=None,
        reference=order.gateway_ref,
    )
    order.status = OrderStatus.PAID
    order.settled_at = utc_now()
    order.payment_id = payment.id
    order.decline_reason = ""
    audit.record("order.paid", order, after={"payment_id": payment.id})


def _record_failure(event_id: int, exc: Exception) -> None:
    error = (str(exc) or repr(exc))[:2000]
    with transaction():
        event = db.session.get(WebhookEvent, event_id, with_for_update=True, populate_existing=True)
        if event is None or event.status is not EventStatus.RECEIVED:
            return  # another run processed it meanwhile
        event.attempts += 1
        event.last_error = error
        if event.attempts >= MAX_ATTEMPTS:
            event.status = EventStatus.FAILED
            audit.record("webhook_event.failed", event, after={"error": error})


def next_attempt_at(event: WebhookEvent):
    """When a failed (not yet FAILED) event is due again. Raises nothing, queues nothing."""
    delay = sum(BACKOFF[: event.attempts], timedelta())
    if event.attempts > len(BACKOFF):
        delay += BACKOFF[-1] * (event.attempts - len(BACKOFF))
    return event.received_at + delay


def retry_due_events(limit: int = 200) -> int:
    """Periodic: run again (inline, one by one) the failed events whose
    backoff is over, at most `limit`; returns how many.

    Raises and queues what `process_event` does for each.
    """
    now = utc_now()
    candidates = db.session.scalars(
        select(WebhookEvent)
        .where(WebhookEvent.status == EventStatus.RECEIVED, WebhookEvent.attempts > 0)
        .order_by(WebhookEvent.received_at)
        .limit(limit)
    ).all()
    due = [event.id for event in candidates if next_attempt_at(event) <= now]
    for event_id in due:
        process_event(event_id)
    return len(due)


def retry_event(event_id: int, *, actor) -> WebhookEvent:
    """An admin runs a failed (or still failing) event again, now.

    Raises AccessDenied for anyone but an admin, BillingError for an unknown
    event or one processed already. Queues `billing.process_webhook_event`
    after commit.
    """
    require_role(actor, *ADMIN)
    with transaction():
        event = db.session.get(WebhookEvent, event_id, with_for_update=True, populate_existing=True)
        if event is None:
            raise BillingError(_("We couldn't find that event."))
        if event.status is EventStatus.PROCESSED:
            raise BillingError(_("This event was processed already."))
        event.status = EventStatus.RECEIVED
        after = {"attempts": event.attempts}
        audit.record("webhook_event.retried", event, actor=actor, after=after)
        enqueue_after_commit("billing.process_webhook_event", event.id)
    return event
