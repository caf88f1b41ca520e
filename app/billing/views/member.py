"""The member's billing pages, on their phone (`/app`).

The shop: members pick a plan or pack (`shop`), which places an order and
sends them to the gateway's checkout (the sandbox's is served here too);
they come back to the order's page, which polls until the webhook has
settled it. Their payments with the invoices and credit notes, each PDF
(another member's is a 404), and their billing details.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.billing.forms import STATUS_LABELS, BuyForm, CardForm
from app.billing.gateways import checkout_gateway
from app.billing.gateways.sandbox import SandboxError, charge, checkout_order
from app.billing.models import Invoice, Order, OrderStatus, PaymentStatus
from app.billing.queries import online as online_queries
from app.billing.queries.payments import my_payments as my_payments_query
from app.billing.services import documents, orders
from app.billing.views import (
    documents_bp,
    edit_billing_profile,
    online_bp,
    profiles_bp,
    send_pdf,
)
from app.core.forms import apply_error
from app.core.idempotency.views import idempotent
from app.core.inputs import page_arg
from app.core.limits import write_limit
from app.core.navigation import safe_next
from app.core.permissions import MEMBERS, ensure, get_or_404, roles_required
from app.extensions import db

#: the invoice PDF a member may download (`member_pdf` below)
MEMBER_PDF = "billing_documents.member_pdf"
#: decline codes a gateway sends, as the member reads them
DECLINE_REASONS = {
    "card_declined": lambda: _("Your card was declined."),
    "insufficient_funds": lambda: _("Your card has insufficient funds."),
}
#: a payment's status, as the colour of its badge
STATUS_BADGES = {
    PaymentStatus.PAID: "bg-success-lt",
    PaymentStatus.REFUNDED: "bg-warning-lt",
    PaymentStatus.VOIDED: "bg-secondary-lt",
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


@online_bp.app_template_global()
def shop_open() -> bool:
    """Whether members can pay online: some gateway is on in this install.
    Closed, the shop's pages are a 404 and the links to them are hidden."""
    return checkout_gateway() is not None


@online_bp.get("/app/shop")
@roles_required(*MEMBERS)
def shop():
    if not shop_open():
        abort(404)
    return render_template(
        "billing/member/shop.html",
        shelf=online_queries.shelf(current_user.id),
    )


@idempotent("billing.place_order")
def _place_order(form: BuyForm, plan_id: int) -> dict:
    return {"order_id": orders.place_order(plan_id, actor=current_user._get_current_object()).id}


@online_bp.post("/app/shop/orders")
@roles_required(*MEMBERS)
@write_limit("ORDER_LIMIT")
def buy():
    if not shop_open():
        abort(404)
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


@online_bp.get("/app/orders/<int:order_id>")
@roles_required(*MEMBERS)
def order(order_id: int):
    return render_template("billing/member/order.html", **_order_context(_own_order(order_id)))


@online_bp.get("/app/orders/<int:order_id>/status")
@roles_required(*MEMBERS)
def order_status(order_id: int):
    """The order's state, for the page's polling (HTMX swaps it in)."""
    context = _order_context(_own_order(order_id))
    return render_template("billing/member/_order_status.html", **context)


# ---- the sandbox gateway's hosted checkout ------------------------------------


@online_bp.route("/billing/sandbox/checkout/<ref>", methods=["GET", "POST"])
@roles_required(*MEMBERS)
@write_limit("CARD_ATTEMPT_LIMIT")
def sandbox_checkout(ref: str):
    order = checkout_order(ref, current_user.id)
    ensure(order is not None)
    back = safe_next(request.args.get("return")) or url_for(".order", order_id=order.id)
    if order.status not in (OrderStatus.OPEN, OrderStatus.DECLINED):
        return redirect(back, code=303)
    form = CardForm()
    if form.validate_on_submit():
        try:
            charge(ref, form.card_number.data, form.expiry.data, member_id=current_user.id)
        except SandboxError as exc:
            apply_error(form, exc)
        else:
            return redirect(back, code=303)
    return render_template(
        "billing/member/sandbox_checkout.html",
        order=order,
        form=form,
        cancel_url=url_for(".shop"),
    )


# ---- the member's payments and documents ------------------------------------


@documents_bp.get("/app/payments")
@roles_required(*MEMBERS)
def my_payments():
    """The member's payments, newest first, with their invoices and credit notes."""
    page = page_arg()
    return render_template(
        "billing/member/my_payments.html",
        payments=my_payments_query(current_user.id, page=page),
        method_labels=documents.METHOD_LABELS,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
    )


@documents_bp.get("/app/invoices/<int:invoice_id>.pdf")
@roles_required(*MEMBERS)
def member_pdf(invoice_id: int):
    """The member's own invoice or credit note; another member's is a 404."""
    invoice = get_or_404(Invoice, invoice_id)
    ensure(invoice.member_id == current_user.id)
    return send_pdf(invoice, url_for("billing_documents.my_payments"))


# ---- the member's billing details -------------------------------------------


@profiles_bp.route("/app/billing-details", methods=["GET", "POST"])
@roles_required(*MEMBERS)
@write_limit("BILLING_DETAILS_LIMIT", scope="billing-details")
def member_edit():
    """The signed-in member's own details; there is no URL for anyone else's."""
    return edit_billing_profile(
        current_user, "billing/member/billing_details.html", url_for(".member_edit")
    )
