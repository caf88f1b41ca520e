"""The demo gym's plans and memberships."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.demo import seed_demo
from app.memberships.ledger import check_ledger
from app.memberships.models import Membership, Plan, PlanKind
from app.memberships.queries import member_snapshot, unlimited_membership_on


def test_demo_sells_four_plans_and_gives_forty_members_a_membership(app, db):
    assert seed_demo()

    plans = {plan.name: plan for plan in db.session.scalars(select(Plan))}
    assert plans["Ilimitado mensual"].price_minor == 89_900
    assert (plans["Paquete 10 clases"].credits_cc, plans["Paquete 10 clases"].valid_days) == (
        1000,
        60,
    )
    assert len(plans) == 4
    # the demo's desk payments sell more periods and packs, to the same members
    kinds = db.session.execute(
        select(Plan.kind, func.count(func.distinct(Membership.member_id)))
        .join(Membership.plan)
        .group_by(Plan.kind)
    ).all()
    counts = dict(kinds)
    assert db.session.scalar(select(func.count(func.distinct(Membership.member_id)))) == 40
    assert counts[PlanKind.UNLIMITED] > counts[PlanKind.CREDITS] > 0
    member1 = db.session.scalar(select(User).where(User.email == "member1@cupo.demo"))
    snapshot = member_snapshot(member1.id)
    assert snapshot.membership.plan.name == "Ilimitado mensual"
    assert unlimited_membership_on(member1.id, snapshot.membership.period_start) is not None
    assert check_ledger() == []
    # nothing is "paid" without a payment: paid ones have an invoice line, the rest
    # are complimentary with a reason
    from app.billing.models import InvoiceLine

    invoiced = select(InvoiceLine.membership_id).where(InvoiceLine.membership_id.is_not(None))
    unpaid = db.session.scalars(
        select(Membership).where(
            Membership.id.not_in(invoiced), Membership.complimentary_reason.is_(None)
        )
    ).all()
    assert unpaid == []
