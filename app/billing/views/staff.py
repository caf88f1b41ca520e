"""The back office's billing pages, for the front desk and admins.

The desk's till (`billing_desk`): front desk and admins (DESK) record
payments, read the list and the renewals due, and count their own drawer;
admins also refund or void a payment and count anyone's drawer. Staff also
open any invoice's PDF, edit a member's billing details, and admins see the
gateway's webhook events and retry the ones that failed. Every rule is the
billing services': these views parse, call one service and show what it said.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.billing.forms import (
    KIND_LABELS,
    METHOD_LABELS,
    RENEWAL_DAYS,
    STATUS_LABELS,
    DrawerForm,
    DrawerPickForm,
    PaymentFilterForm,
    PaymentForm,
    RefundForm,
    RenewalsForm,
    RetryForm,
)
from app.billing.models import EventStatus, Invoice, ItemKind, Payment, PaymentMethod
from app.billing.queries import drawer as drawer_queries
from app.billing.queries import payments as queries
from app.billing.queries.online import events_page
from app.billing.queries.renewals import renewals_due
from app.billing.services import drawer as drawers
from app.billing.services import webhooks
from app.billing.services.payments import BillingError, record_payment, refund_payment
from app.billing.views import (
    desk_bp,
    documents_bp,
    edit_billing_profile,
    online_bp,
    profiles_bp,
    send_pdf,
)
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today, money
from app.core.idempotency.forms import new_idempotency_key
from app.core.idempotency.services import IdempotencyError
from app.core.idempotency.views import idempotent
from app.core.inputs import arg_id, page_arg
from app.core.limits import write_limit
from app.core.permissions import ADMIN, DESK, ensure, get_or_404, roles_required
from app.memberships.models import PlanKind
from app.settings.services import gym_settings


@desk_bp.context_processor
def labels():
    return {
        "method_labels": METHOD_LABELS,
        "kind_labels": KIND_LABELS,
        "payment_status_labels": STATUS_LABELS,
    }


# ---- record a payment -------------------------------------------------------


def _payment_form() -> PaymentForm:
    form = PaymentForm()
    form.load_options(
        queries.plan_options(PlanKind.UNLIMITED),
        queries.plan_options(PlanKind.CREDITS),
        queries.drop_in_options(),
    )
    return form


def _prefill(form: PaymentForm) -> None:
    """?member_id=<id> (or ?member=<id>) and ?plan=<id>: from the renewals
    list, a member's page, or the desk's walk-in sign-up."""
    member = queries.member(arg_id("member_id") or arg_id("member"))
    if member is not None:
        form.member.data = member.email
    plan_id = arg_id("plan")
    for field, kind in ((form.plan_id, ItemKind.PLAN), (form.pack_id, ItemKind.PACK)):
        if plan_id is not None and any(choice[0] == plan_id for choice in field.choices):
            field.data, form.kind.data = plan_id, kind.value


def _render_new(form: PaymentForm, status: int = 200):
    form.idempotency_key.data = new_idempotency_key()
    settings = gym_settings()
    return (
        render_template(
            "billing/staff/new_payment.html",
            form=form,
            tax_rate_bp=settings.tax_rate_bp,
            prices_include_tax=settings.prices_include_tax,
            currency=settings.currency,
        ),
        status,
    )


def _refused_key(form: PaymentForm, exc: IdempotencyError):
    """The key was reused or is still running: the form again, with a new key."""
    form.form_errors.append(str(exc))
    return _render_new(form, exc.status)


@idempotent("billing.payment", params=lambda form: form.params(), conflict=_refused_key)
def _take(form: PaymentForm) -> dict:
    """Record the payment; its id and the change due."""
    payment = record_payment(
        form.member_user.id,
        [form.sale()],
        method=form.payment_method,
        actor=current_user,
        tendered_minor=form.tendered.data,
        reference=form.reference.data or "",
    )
    return {"payment_id": payment.id, "change_minor": payment.change_minor}


@desk_bp.route("/payments/new", methods=["GET", "POST"])
@roles_required(*DESK)
@write_limit("DESK_PAYMENT_LIMIT")
def new_payment():
    form = _payment_form()
    if not form.is_submitted():
        _prefill(form)
        return _render_new(form)
    if not form.validate_on_submit():
        return _render_new(form)
    result = _take(form)
    if "error" in result:
        form.apply(result)
        return _render_new(form)
    if form.payment_method is PaymentMethod.CASH:
        flash(
            _("Payment recorded. Change due: %(change)s.", change=money(result["change_minor"])),
            "success",
        )
    else:
        flash(_("Payment recorded."), "success")
    return redirect(url_for(".payment", payment_id=result["payment_id"]), code=303)


# ---- a payment, and its refund ----------------------------------------------


def _render_payment(payment: Payment, refund_form: RefundForm | None = None):
    return render_template(
        "billing/staff/payment.html",
        payment=payment,
        invoice=payment.invoice,
        credit_notes=queries.credit_notes_of(payment.id),
        refund_form=refund_form or RefundForm(formdata=None),
    )


@desk_bp.get("/payments/<int:payment_id>")
@roles_required(*DESK)
def payment(payment_id: int):
    return _render_payment(get_or_404(Payment, payment_id))


@desk_bp.post("/payments/<int:payment_id>/refund")
@roles_required(*ADMIN)
def refund(payment_id: int):
    payment = get_or_404(Payment, payment_id)
    form = RefundForm()
    if form.validate_on_submit():
        void = form.action.data == "void"
        try:
            note = refund_payment(payment.id, form.reason.data, actor=current_user, void=void)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            message = _("Payment voided: credit note %(label)s.", label=note.label)
            if not void:
                message = _("Payment refunded: credit note %(label)s.", label=note.label)
            flash(message, "success")
            return redirect(url_for(".payment", payment_id=payment.id), code=303)
    return _render_payment(payment, form)


# ---- the payment list -------------------------------------------------------


@desk_bp.get("/payments")
@roles_required(*DESK)
def payments():
    filters = PaymentFilterForm(request.args)
    filters.staff.set_options(queries.desk_staff_options())
    filters.validate()
    method = filters.valid("method")
    search = queries.PaymentSearch(
        date_from=filters.valid("date_from"),
        date_to=filters.valid("date_to"),
        method=PaymentMethod(method) if method else None,
        staff_id=filters.valid("staff"),
        member_text=filters.valid("member") or "",
    )
    return render_template(
        "billing/staff/payments.html",
        filters=filters,
        payments=queries.payments_page(search, page_arg()),
        totals=queries.payment_totals(search),
    )


# ---- the cash drawer --------------------------------------------------------


def _drawer_pick() -> tuple[DrawerPickForm, int]:
    """The day and whose drawer from ?day=&staff=; 404 for front desk asking
    for someone else's."""
    pick = DrawerPickForm(request.args)
    pick.staff.set_options(queries.desk_staff_options())
    pick.validate()
    if not request.args.get("staff"):
        pick.staff.errors = []
    staff_id = pick.staff.data if not pick.staff.errors and pick.staff.data else current_user.id
    ensure(drawers.may_count(current_user, staff_id))
    if pick.day.errors or not pick.day.data:
        pick.day.data = gym_today()
    pick.staff.data = staff_id
    return pick, staff_id


@desk_bp.route("/drawer", methods=["GET", "POST"])
@roles_required(*DESK)
def drawer():
    pick, staff_id = _drawer_pick()
    day = pick.day.data
    form = DrawerForm()
    saved = drawer_queries.count_of(day, staff_id)
    if form.validate_on_submit():
        try:
            drawers.count_drawer(
                day, staff_id, form.counted.data, form.note.data or "", actor=current_user
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Drawer count saved."), "success")
            return redirect(url_for(".drawer", day=day.isoformat(), staff=staff_id), code=303)
    elif not form.is_submitted() and saved is not None:
        form.counted.data, form.note.data = saved.counted_minor, saved.note
    return render_template(
        "billing/staff/drawer.html",
        pick=pick,
        form=form,
        day=day,
        staff_id=staff_id,
        tally=drawer_queries.tally(day, staff_id),
        saved=saved,
        counts=drawer_queries.counts_page(staff_id, page_arg()),
        is_future=day > gym_today(),
    )


# ---- renewals due -----------------------------------------------------------


@desk_bp.get("/renewals")
@roles_required(*DESK)
def renewals():
    form = RenewalsForm(request.args)
    form.validate()
    days = form.days.data if not form.days.errors and form.days.data else RENEWAL_DAYS
    return render_template(
        "billing/staff/renewals.html",
        form=form,
        days=days,
        rows=renewals_due(days, page_arg()),
        today=gym_today(),
    )


# ---- any invoice or credit note ---------------------------------------------


@documents_bp.get("/admin/billing/invoices/<int:invoice_id>.pdf")
@roles_required(*DESK)
def staff_pdf(invoice_id: int):
    """Any invoice or credit note, for the front desk and admins."""
    invoice = get_or_404(Invoice, invoice_id)
    return send_pdf(invoice, url_for("admin.dashboard"))


# ---- a member's billing details ---------------------------------------------


@profiles_bp.route("/admin/members/<int:member_id>/billing-details", methods=["GET", "POST"])
@roles_required(*DESK)
@write_limit("BILLING_DETAILS_LIMIT", scope="billing-details")
def desk_edit(member_id: int):
    """A member's details, for the desk; 404 unless `member_id` is a member."""
    member = queries.member(member_id)
    ensure(member is not None)
    return edit_billing_profile(
        member,
        "billing/staff/billing_details.html",
        url_for("memberships_admin.member", user_id=member.id),
    )


# ---- the gateway's webhook events -------------------------------------------


@online_bp.get("/admin/billing/webhooks")
@roles_required(*ADMIN)
def webhook_events():
    failed_only = request.args.get("failed") == "1"
    return render_template(
        "billing/staff/webhook_events.html",
        events=events_page(failed_only=failed_only, page=page_arg()),
        failed_only=failed_only,
        statuses={
            EventStatus.RECEIVED: _("Waiting"),
            EventStatus.PROCESSED: _("Processed"),
            EventStatus.FAILED: _("Failed"),
        },
        form=RetryForm(),
    )


@online_bp.post("/admin/billing/webhooks/<int:event_id>/retry")
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
