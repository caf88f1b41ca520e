"""Billing's pages without sign-in: the payment gateways' webhook endpoint.

It is open (no login, no CSRF): the gateway's signature is its credential.
An event is stored once and processed by a job (`services.webhooks`).

Webhooks come from the gateway's servers, in bursts after an outage, and a
refused one is sent again later: signed events are never counted, so real
payments are never held back. Only refusals (bad signature, unknown gateway,
malformed body) count, per IP address, so a flood of forged events is cut off.
"""

from flask import abort, jsonify, request

from app.billing.gateways import MalformedEvent, SignatureError, gateway
from app.billing.services import webhooks
from app.billing.views import online_bp
from app.core.db import Busy
from app.core.limits import ip_address, write_limit
from app.extensions import csrf


@online_bp.post("/billing/webhooks/<gateway_name>")
@csrf.exempt
@write_limit(
    "WEBHOOK_REFUSAL_LIMIT",
    key_func=ip_address,
    deduct_when=lambda response: response.status_code in (400, 404),
)
def webhook(gateway_name: str):
    """A gateway tells us what happened; 200 once stored (or seen before)."""
    try:
        gateway(gateway_name)
    except KeyError:
        abort(404)
    try:
        event, duplicate = webhooks.receive_event(
            gateway_name, request.headers, request.get_data(cache=False)
        )
    except SignatureError:
        return jsonify(error="invalid signature"), 400
    except MalformedEvent:
        return jsonify(error="malformed event"), 400
    except Busy:  # a lock wait ran out: the gateway sends it again
        return jsonify(error="busy"), 503
    return jsonify(received=event.event_id, duplicate=duplicate), 200
