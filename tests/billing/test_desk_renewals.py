"""Renewals due: recurring memberships ending soon or past due, not renewed yet."""

import re
from datetime import date, timedelta

import pytest

from app.memberships.models import Membership, MembershipStatus
from tests.accounts.support import page_text
from tests.billing.support import membership_ending
from tests.queries import counting_statements

RENEWALS = "/admin/billing/renewals"
TODAY = date(2026, 12, 1)


@pytest.fixture
def due(till):
    monthly, pack = till.unlimited_plan(), till.pack()
    rows = {
        "ends_today": membership_ending(till, till.member(), monthly, 0),
        "in_5_days": membership_ending(till, till.member(), monthly, 5),
        "in_20_days": membership_ending(till, till.member(), monthly, 20),
        "past_due": membership_ending(till, till.member(), monthly, -3, MembershipStatus.PAST_DUE),
        "cancelled": membership_ending(
            till, till.member(), monthly, 3, MembershipStatus.CANCELLED, renews_on=None
        ),
        "pack": membership_ending(till, till.member(), pack, 2, renews_on=None),
    }
    renewed = till.member()
    rows["renewed"] = membership_ending(till, renewed, monthly, 4)
    membership_ending(till, renewed, monthly, 34, period_start=TODAY + timedelta(days=5))
    return {name: m.id for name, m in rows.items()} | {"plan_id": monthly.id}


def _listed(response, due) -> set[str]:
    ids = {
        int(i) for i in re.findall(r'data-membership-id="(\d+)"', response.get_data(as_text=True))
    }
    return {name for name, mid in due.items() if mid in ids and name != "plan_id"}


def test_lists_memberships_ending_within_a_week_and_past_due(till, client, login, due):
    login(till.desk())

    response = client.get(RENEWALS)

    assert response.status_code == 200
    assert _listed(response, due) == {"ends_today", "in_5_days", "past_due"}
    assert f"plan={due['plan_id']}" in response.get_data(as_text=True)


def test_days_widens_the_window(till, client, login, due):
    login(till.admin())
    response = client.get(f"{RENEWALS}?days=30")
    assert _listed(response, due) == {"ends_today", "in_5_days", "in_20_days", "past_due"}


@pytest.mark.parametrize("days", ["0", "61", "soon"])
def test_bad_days_is_a_field_error_and_the_default_applies(till, client, login, due, days):
    login(till.desk())

    response = client.get(f"{RENEWALS}?days={days}")

    assert response.status_code == 200
    assert 'id="days-error"' in response.get_data(as_text=True)
    assert _listed(response, due) == {"ends_today", "in_5_days", "past_due"}


def test_record_payment_link_prefills_member_and_plan(till, client, login, due, db):
    login(till.desk())
    membership = db.session.get(Membership, due["in_5_days"])
    email, query = membership.member.email, f"member={membership.member_id}&plan={due['plan_id']}"

    html = page_text(client.get(f"/admin/billing/payments/new?{query}"))

    assert f'value="{email}"' in html
    assert f'selected value="{due["plan_id"]}"' in html


def test_query_count_does_not_grow_with_rows(till, client, login, db, due):
    login(till.desk())
    client.get(RENEWALS)
    with counting_statements(db.engine) as few:
        client.get(RENEWALS)
    plan = till.unlimited_plan(price_minor=1)
    for days in range(7):
        membership_ending(till, till.member(), plan, days)
    with counting_statements(db.engine) as many:
        assert client.get(RENEWALS).status_code == 200
    assert len(many) == len(few)
