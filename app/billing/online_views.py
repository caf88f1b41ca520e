"""Buying online: the member's shop, the gateway's checkout and webhooks.

Members pick a plan or pack (`shop`), which places an order and sends them
to the gateway's checkout; they come back to the order's page, which polls
until the webhook has settled it. The webhook endpoint is open (no login,
no CSRF): the gateway's signature is its credential. Admins see the events
and retry the ones that failed.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.billing.forms import BuyForm, CardForm, RetryForm
from app.billing.gateways import MalformedEvent, SignatureError, gateway
from app.billing.gateways.sandbox import SandboxError, charge, checkout_order
from app.billing.models import EventStatus, Order, OrderStatus
from app.billing.queries import online as online_queries
from app.billing.services import orders, webhooks
from app.billing.services.payments import BillingError
from app.core.db import Busy
from app.core.idempotency.views import idempotent
from app.core.navigation import safe_next
from app.core.permissions import ADMIN, MEMBERS, ensure, roles_required
from app.extensions import csrf, db

bp = Blueprint("billing_online", __name__)

#: the invoice PDF a member may download (built by the documents module)
MEMBER_PDF = "billing_documents.member_pdf"
#: decline codes a gateway sends, as the member reads them
DECLINE_REASONS = {
    "card_declined": lambda: _("Your card was declined."),
    "insufficient_funds": lambda: _("Your card has insufficient funds."),
}


def decline_text(code: str) -> str:
    known = DECLINE_REASONS.get(code)
    return known() if known else (code or _("The payment was declined."))


def _own_order(order_id: int) -> Order:
    """The signed-in member's order, or 404 (someone else's looks missing)."""
    order = db.session.get(Order, order_id)
    ensure(order is not None and order.member_id == current_user.id)
    return order


# ---- the member's shop --------------------------------------------------------


@bp.get("/app/shop")
@roles_required(*MEMBERS)
def shop():
    return render_template(
        "billing/online/shop.html",
        shelf=online_queries.shelf(current_user.id),
    )


@idempotent("billing.place_order")
def _place_order(form: BuyForm, plan_id: int) -> dict:
    return {"order_id": orders.place_order(plan_id, actor=current_user._get_current_object()).id}


@bp.post("/app/shop/orders")
@roles_required(*MEMBERS)
def buy():
    form = BuyForm()
    if not form.validate_on_submit():
        flash(_("The form could not be read. Reload the page and try again."), "danger")
        return redirect(url_for(".shop"), code=303)
    result = _place_order(form, plan_id=form.plan_id.data)
    if "error" in result:
        flash(result["error"], "danger")
        return redirect(url_for(".shop"), code=303)
    order = db.session.get(Order, result["order_id"])
    return_url = url_for(".order", order_id=order.id)
    return redirect(orders.checkout_url(order, return_url), code=303)


def _order_context(order: Order) -> dict:
    return {
        "order": order,
        "receipt": online_queries.receipt(order),
        "decline": decline_text(order.decline_reason),
        "pdf_endpoint": MEMBER_PDF if MEMBER_PDF in current_app.view_functions else None,
        "waiting": order.status in (OrderStatus.OPEN, OrderStatus.PENDING),
    }


@bp.get("/app/orders/<int:order_id>")
@roles_required(*MEMBERS)
def order(order_id: int):
    return render_template("billing/online/order.html", **_order_context(_own_order(order_id)))


@bp.get("/app/orders/<int:order_id>/status")
@roles_required(*MEMBERS)
def order_status(order_id: int):
    """The order's state, for the page's polling (HTMX swaps it in)."""
    context = _order_context(_own_order(order_id))
    return render_template("billing/online/_order_status.html", **context)


# ---- the sandbox gateway's hosted checkout ------------------------------------


@bp.route("/billing/sandbox/checkout/<ref>", methods=["GET", "POST"])
@roles_required(*MEMBERS)
def sandbox_checkout(ref: str):
    order = checkout_order(ref, current_user.id)
    ensure(order is not None)
    back = safe_next(request.args.get("return")) or url_for(".order", order_id=order.id)
    if order.status not in (OrderStatus.OPEN, OrderStatus.DECLINED):
        return redirect(back, code=303)
    form = CardForm()
    if form.validate_on_submit():
        try:
            charge(ref, form.card_number.data, member_id=current_user.id)
        except SandboxError as exc:
            if exc.field == "card_number":
                form.card_number.errors.append(str(exc))
            else:
                form.form_errors.append(str(exc))
        else:
            return redirect(back, code=303)
    return render_template(
        "billing/sandbox/checkout.html",
        order=order,
        form=form,
        cancel_url=url_for(".shop"),
    )


# ---- webhooks -----------------------------------------------------------------


@bp.post("/billing/webhooks/<gateway_name>")
@csrf.exempt
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


@bp.get("/admin/billing/webhooks")
@roles_required(*ADMIN)
def webhook_events():
    failed_only = request.args.get("failed") == "1"
    return render_template(
        "billing/online/webhook_events.html",
        events=online_queries.events_page(
            failed_only=failed_only, page=request.args.get("page", 1, type=int)
        ),
        failed_only=failed_only,
        statuses={
            EventStatus.RECEIVED: _("Waiting"),
            EventStatus.PROCESSED: _("Processed"),
            EventStatus.FAILED: _("Failed"),
        },
        form=RetryForm(),
    )


@bp.post("/admin/billing/webhooks/<int:event_id>/retry")
@roles_required(*ADMIN)
def retry_webhook_event(event_id: int):
    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        webhooks.retry_event(event_id, actor=current_user._get_current_object())
    except BillingError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The event was run again."), "success")
    return redirect(url_for(".webhook_events", failed=request.args.get("failed")), code=303)
