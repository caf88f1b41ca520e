"""The demo gym's day at the desk: today's payments, their invoices and PDFs,
the cash drawer, and a member whose monthly plan is past due."""

from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.billing.models import Invoice, InvoiceKind, Payment, PaymentMethod, PaymentStatus
from app.billing.queries.drawer import tally
from app.billing.queries.renewals import renewals_due
from app.core.clock import local_date
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.uploads import absolute_path
from app.demo import seed_demo
from app.memberships.demo import lapsed_start
from app.memberships.ledger import check_ledger
from app.memberships.models import Membership, MembershipStatus, Plan, PlanInterval, PlanKind
from app.memberships.queries import member_snapshot
from app.memberships.rules import grace_days, plan_period
from app.memberships.services.memberships import BACKDATE_DAYS
from tests.tools import require_weasyprint


def _user(db, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _invoices(db) -> list[Invoice]:
    return db.session.scalars(
        select(Invoice).where(Invoice.kind == InvoiceKind.INVOICE).order_by(Invoice.number)
    ).all()


def test_demo_desk_took_payments_today_with_unbroken_invoices(app, db):
    assert seed_demo()

    today = local_date(utc_now(), gym_zone())
    desk = _user(db, "recepcion@cupo.demo")
    payments = db.session.scalars(select(Payment).order_by(Payment.id)).all()
    assert 3 <= len(payments) <= 4  # each renders a PDF: seeding stays quick
    assert {p.method for p in payments} == {
        PaymentMethod.CASH,
        PaymentMethod.CARD,
        PaymentMethod.TRANSFER,
    }
    assert all(p.recorded_by_id == desk.id and p.status is PaymentStatus.PAID for p in payments)
    assert all(local_date(p.paid_at, gym_zone()) == today for p in payments)
    cash = [p for p in payments if p.method is PaymentMethod.CASH]
    assert cash and any(p.tendered_minor > p.amount_minor for p in cash)  # change given

    invoices = _invoices(db)
    assert [i.number for i in invoices] == list(range(1, len(payments) + 1))
    assert {i.payment_id for i in invoices} == {p.id for p in payments}
    assert all(i.total_minor == i.payment.amount_minor for i in invoices)

    # The browser test sells member1 a 650.00 pack for cash and reads "650.00"
    # in the desk's expected cash: the demo's cash must be whole thousands, and
    # member1 must have no payments.
    expected = tally(today, desk.id).expected_minor
    assert expected == sum(p.amount_minor for p in cash) and expected % 100_000 == 0
    member1 = _user(db, "member1@cupo.demo")
    assert all(p.member_id != member1.id for p in payments)
    assert member_snapshot(member1.id).membership.plan.name == "Ilimitado mensual"
    assert check_ledger() == []


def test_demo_has_a_monthly_member_past_due_on_the_renewals_list(app, db):
    assert seed_demo()

    today = local_date(utc_now(), gym_zone())
    [lapsed] = db.session.scalars(
        select(Membership).where(Membership.status == MembershipStatus.PAST_DUE)
    ).all()
    assert lapsed.plan.name == "Ilimitado mensual"
    assert today - timedelta(days=grace_days()) <= lapsed.period_end < today
    assert member_snapshot(lapsed.member_id).membership.id == lapsed.id
    due = renewals_due(7, 1).items
    assert lapsed.id in {m.id for m in due}
    assert check_ledger() == []


def test_demo_invoice_pdfs_are_rendered(app, db):
    require_weasyprint()
    assert seed_demo()

    invoices = _invoices(db)
    assert invoices
    for invoice in invoices:
        db.session.refresh(invoice)
        assert invoice.pdf_path, invoice.label
        assert absolute_path(invoice.pdf_path).read_bytes().startswith(b"%PDF")


def test_the_lapsed_start_ends_inside_the_grace_on_any_day(app, db):
    monthly = Plan(
        name="Monthly", kind=PlanKind.UNLIMITED, interval=PlanInterval.MONTH, price_minor=1
    )
    grace = grace_days()
    for offset in range(366 * 2):
        today = date(2027, 1, 1) + timedelta(days=offset)
        start = lapsed_start(monthly, today)
        ends_on = plan_period(monthly, start)[0]
        assert start >= today - timedelta(days=BACKDATE_DAYS), today
        assert today - timedelta(days=grace) <= ends_on < today, today
