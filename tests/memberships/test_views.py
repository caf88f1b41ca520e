"""The plan, membership and credit pages, for staff and for members."""

import re
from datetime import UTC, date, datetime

from sqlalchemy import select, text

from app.core.db import transaction
from app.memberships import ledger
from app.memberships.models import (
    CreditLot,
    EntryKind,
    LedgerEntry,
    Membership,
    MembershipStatus,
    Plan,
    PlanInterval,
    PlanKind,
)
from app.memberships.services.memberships import adjust_credits
from tests.accounts.support import field_error, flashes, fresh, page_text
from tests.conftest import post_form
from tests.queries import counting_statements

NOON = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)


def _plan_form(**overrides):
    data = {
        "name": "Ilimitado mensual",
        "description": "Todo",
        "price": "899.00",
        "kind": "unlimited",
        "interval": "month",
        "credits": "",
        "valid_days": "",
        "perks": "Towel\n\n  Free   assessment ",
        "entitlements": ["sauna", "pool"],
        "is_active": "y",
    }
    return {**data, **overrides}


def _statements(client, db, path):
    client.get(path)  # warm caches (templates, settings)
    with counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


# ---- plans ------------------------------------------------------------------


def test_admin_creates_a_plan_from_the_form(client, db, factories, login):
    login(factories.admin())

    response = post_form(client, "/admin/plans/new", _plan_form())

    plan = db.session.scalar(select(Plan).where(Plan.name == "Ilimitado mensual"))
    assert response.status_code == 302 and response.location == f"/admin/plans/{plan.id}"
    assert (plan.price_minor, plan.kind, plan.interval) == (
        89_900,
        PlanKind.UNLIMITED,
        PlanInterval.MONTH,
    )
    assert (plan.perks, plan.entitlements) == (["Towel", "Free assessment"], ["sauna", "pool"])
    page = client.get(response.location)
    assert flashes(page) == ["Plan saved."]
    assert 'value="899.00"' in page_text(page)


def test_admin_creates_a_credit_pack_with_decimal_credits(client, db, factories, login):
    login(factories.admin())

    post_form(
        client,
        "/admin/plans/new",
        _plan_form(name="Pack", kind="credits", interval="none", credits="7.5", valid_days="30"),
    )

    plan = db.session.scalar(select(Plan).where(Plan.name == "Pack"))
    assert (plan.credits_cc, plan.valid_days) == (750, 30)


def test_plan_form_shows_field_errors_and_saves_nothing(client, db, factories, login):
    login(factories.admin())

    response = post_form(
        client,
        "/admin/plans/new",
        _plan_form(price="cheap", kind="credits", credits="1.234", valid_days="30"),
    )

    assert response.status_code == 200
    assert field_error(response, "price") == "Enter an amount such as 350.00."
    assert field_error(response, "credits") == (
        "Enter a number of credits such as 1.5 (two decimals at most)."
    )
    assert db.session.scalar(select(Plan.id)) is None


def test_plan_form_shows_the_services_refusal_under_its_field(
    client, db, factories, login, memberships
):
    memberships.plan(name="Taken")
    login(memberships.admin)

    missing = post_form(client, "/admin/plans/new", _plan_form(kind="credits", valid_days="30"))
    taken = post_form(client, "/admin/plans/new", _plan_form(name="taken"))
    forever = post_form(client, "/admin/plans/new", _plan_form(interval="none"))

    assert field_error(missing, "credits") == "Enter how many credits the pack gives."
    assert field_error(taken, "name") == "There is already a plan with this name."
    assert field_error(forever, "interval") == (
        "An unlimited plan runs by the month or by the year."
    )


def test_admin_takes_a_plan_off_sale(client, db, factories, login, memberships):
    plan = memberships.plan(name="Old", price_minor=50_000)
    login(memberships.admin)
    edit = client.get(f"/admin/plans/{plan.id}")
    assert 'value="500.00"' in page_text(edit)

    post_form(client, f"/admin/plans/{plan.id}", _plan_form(name="Old", is_active=""))

    assert fresh(db, Plan, plan.id).is_active is False
    listing = page_text(client.get("/admin/plans"))
    assert "Not on sale" in listing and "MX$899.00" in listing


def test_plan_list_query_count_does_not_grow_with_plans(client, db, factories, login, memberships):
    login(memberships.admin)
    memberships.plan()
    few = _statements(client, db, "/admin/plans")
    for _ in range(30):
        memberships.pack()

    assert _statements(client, db, "/admin/plans") == few
    assert _statements(client, db, "/admin/plans?page=2") == few


# ---- a member's page (staff) ------------------------------------------------


def test_staff_member_page_is_404_for_staff_accounts_and_unknown_ids(client, factories, login):
    login(factories.front_desk())

    assert client.get(f"/admin/members/{factories.trainer().id}/membership").status_code == 404
    assert client.get("/admin/members/999999/membership").status_code == 404


def test_admin_gives_a_pack_free_and_every_page_says_complimentary(
    client, db, factories, login, memberships, clock
):
    clock(NOON)
    member = factories.member()
    pack = memberships.pack(name="Paquete 10", credits=10, days=60)
    login(factories.admin())
    path = f"/admin/members/{member.id}/membership"

    response = post_form(
        client,
        f"{path}/complimentary",
        {"plan_id": str(pack.id), "starts_on": "2026-01-31", "reason": "Raffle <b>winner</b>"},
        token_from=path,
    )

    assert response.status_code == 302 and response.location == path
    membership = db.session.scalar(select(Membership).where(Membership.member_id == member.id))
    assert membership.complimentary_reason == "Raffle <b>winner</b>"
    assert ledger.balance(member.id) == 1000
    page = client.get(path)
    body = page_text(page)
    assert flashes(page) == ["Complimentary plan given."]
    assert "10 credits" in body and "Valid until Apr 1, 2026" in body
    assert b'data-testid="complimentary-reason">Raffle &lt;b&gt;winner&lt;/b&gt;<' in page.data
    assert b"<b>winner" not in page.data
    login(member)
    for member_path in ("/app/membership", "/app/credits"):
        mine = client.get(member_path)
        assert b'data-testid="complimentary"' in mine.data, member_path
        assert "Raffle" not in page_text(mine), member_path  # the reason is for staff


def test_front_desk_cannot_give_a_plan_free_and_is_sent_to_sell_it(
    client, db, factories, login, memberships, clock
):
    clock(NOON)
    member = factories.member()
    pack = memberships.pack()
    login(factories.front_desk())
    path = f"/admin/members/{member.id}/membership"

    response = post_form(
        client,
        f"{path}/complimentary",
        {"plan_id": str(pack.id), "starts_on": "2026-01-31", "reason": "Friend"},
        token_from=path,
    )

    assert response.status_code == 403
    assert db.session.scalar(select(Membership.id)) is None
    page = client.get(path)
    assert b"/complimentary" not in page.data
    assert f"/payments/new?member={member.id}".encode() in page.data
    assert "online payment" not in page_text(page)


def test_grant_form_shows_field_errors(client, db, factories, login, memberships, clock):
    clock(NOON)
    member = factories.member()
    off_sale = memberships.plan(is_active=False)
    login(factories.admin())
    path = f"/admin/members/{member.id}/membership"

    bad_date = post_form(
        client,
        f"{path}/complimentary",
        {"plan_id": "", "starts_on": "someday", "reason": ""},
        token_from=path,
    )
    old = post_form(
        client,
        f"{path}/complimentary",
        {"plan_id": str(memberships.plan().id), "starts_on": "2025-01-01", "reason": "Gift"},
        token_from=path,
    )
    hidden = post_form(
        client,
        f"{path}/complimentary",
        {"plan_id": str(off_sale.id), "starts_on": "2026-01-31", "reason": "Gift"},
        token_from=path,
    )
    long_reason = post_form(
        client,
        f"{path}/complimentary",
        {"plan_id": str(memberships.plan().id), "starts_on": "2026-01-31", "reason": "x" * 301},
        token_from=path,
    )

    assert bad_date.status_code == 200
    assert field_error(bad_date, "starts_on") == "Enter a date."
    assert field_error(bad_date, "plan_id") == "Choose a plan on sale."
    assert field_error(bad_date, "grant-reason") == "Say why this is given free."
    assert field_error(old, "starts_on") == "A membership can start at most 31 days ago."
    assert field_error(hidden, "plan_id") == "Choose a plan on sale."
    assert field_error(long_reason, "grant-reason") == "Use at most 300 characters."
    assert db.session.scalar(select(Membership.id)) is None


def test_front_desk_adjusts_credits_with_decimals(client, db, factories, login, clock):
    clock(NOON)
    member = factories.member()
    desk = factories.front_desk()
    login(desk)
    path = f"/admin/members/{member.id}/membership"

    response = post_form(
        client,
        f"/admin/members/{member.id}/credits/adjust",
        {"credits": "1.5", "expires_on": "2026-02-28", "reason": "Broken bike"},
        token_from=path,
    )

    assert response.status_code == 302
    [entry] = db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member.id))
    assert (entry.kind, entry.amount_cc, entry.reason, entry.actor_id) == (
        EntryKind.ADJUSTMENT,
        150,
        "Broken bike",
        desk.id,
    )
    body = page_text(client.get(path))
    assert "1.5 credits" in body and "Broken bike" in body and desk.name in body


def test_adjust_form_shows_field_errors(client, db, factories, login, clock):
    clock(NOON)
    member = factories.member()
    login(factories.front_desk())
    path = f"/admin/members/{member.id}/membership"
    adjust = f"/admin/members/{member.id}/credits/adjust"

    decimals = post_form(
        client,
        adjust,
        {"credits": "1.555", "expires_on": "2026-02-28", "reason": "x"},
        token_from=path,
    )
    no_reason = post_form(
        client, adjust, {"credits": "2", "expires_on": "2026-02-28", "reason": " "}, token_from=path
    )
    no_expiry = post_form(
        client, adjust, {"credits": "2", "expires_on": "", "reason": "Gift"}, token_from=path
    )
    too_many = post_form(
        client, adjust, {"credits": "-1", "expires_on": "", "reason": "Fix"}, token_from=path
    )

    assert decimals.status_code == 200
    assert field_error(decimals, "credits") == (
        "Enter a number of credits such as 1.5 (two decimals at most)."
    )
    assert field_error(no_reason, "reason") == "Give a reason for the adjustment."
    assert field_error(no_expiry, "expires_on") == "Choose when these credits expire."
    assert field_error(too_many, "credits") == "The member doesn't have that many credits."
    assert 'value="1.555"' in page_text(decimals)
    assert db.session.scalar(select(LedgerEntry.id)) is None


def test_front_desk_cancels_a_membership(client, db, factories, login, memberships):
    membership = memberships.membership()
    login(factories.front_desk())
    path = f"/admin/members/{membership.member_id}/membership"

    response = post_form(
        client,
        f"/admin/members/{membership.member_id}/memberships/{membership.id}/cancel",
        token_from=path,
    )

    assert response.location == path
    assert fresh(db, Membership, membership.id).status is MembershipStatus.CANCELLED
    assert flashes(client.get(path)) == ["The membership was cancelled."]


def test_cancel_under_another_members_id_is_404(client, db, factories, login, memberships):
    theirs = memberships.membership()
    other = factories.member()
    login(factories.front_desk())
    path = f"/admin/members/{other.id}/membership"

    response = post_form(
        client, f"/admin/members/{other.id}/memberships/{theirs.id}/cancel", token_from=path
    )

    assert response.status_code == 404
    assert fresh(db, Membership, theirs.id).status is MembershipStatus.ACTIVE


def test_staff_member_page_query_count_does_not_grow_with_entries(
    client, db, factories, login, memberships, booked
):
    member = factories.member()
    memberships.membership(member, memberships.pack(credits=90))
    login(factories.front_desk())
    path = f"/admin/members/{member.id}/membership"
    booked(member)
    few = _statements(client, db, path)
    for _ in range(30):
        booked(member)
    for number in range(10):
        adjust_credits(
            member.id, 10, f"gift {number}", expires_on=date(2099, 1, 1), actor=memberships.admin
        )

    assert _statements(client, db, path) == few
    assert _statements(client, db, f"{path}?page=2") == few


def test_admin_user_page_links_to_the_member_page_of_members_only(client, factories, login):
    login(factories.admin())
    member, trainer = factories.member(), factories.trainer()

    link = f'href="/admin/members/{member.id}"'
    assert link in page_text(client.get(f"/admin/users/{member.id}"))
    assert "/admin/members/" not in page_text(client.get(f"/admin/users/{trainer.id}"))


# ---- the member's own pages -------------------------------------------------


def test_member_sees_their_snapshot(client, db, factories, login, memberships, clock):
    clock(NOON)
    member = factories.member()
    plan = memberships.plan(
        name="Ilimitado mensual", perks=["Free assessment"], entitlements=["sauna"]
    )
    memberships.membership(member, plan)
    memberships.lot(member, 250)
    login(member)

    body = page_text(client.get("/app/membership"))

    assert "Ilimitado mensual" in body and "Active" in body
    assert "Ends on Feb 27, 2026" in " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "Renews on" not in body  # nothing charges the member by itself
    assert "Free assessment" in body and "Sauna" in body
    assert "2.5 credits" in body


def test_member_without_membership_is_told_to_ask_the_desk(client, factories, login):
    login(factories.member())

    body = page_text(client.get("/app/membership"))

    assert "No membership yet" in body and "0 credits" in body


def test_member_credits_page_shows_only_their_own_lots_and_entries(
    client, db, factories, login, memberships, booked
):
    member, other = factories.member(), factories.member()
    memberships.lot(member, 300)
    memberships.lot(other, 700)
    booking = booked(member, 100)
    with transaction():
        ledger.settle(ledger.spend_for(booking.id), 50, reason="late cancel")
    login(member)

    body = page_text(client.get("/app/credits"))

    assert "2.5 credits" in body  # 3 - 1 + 0.5
    assert "Refund" in body and "+0.5" in body and "-1" in body
    assert booking.session.class_type.name in body
    assert "7 credits" not in body and "Plan Admin" not in body


def test_member_credits_query_count_does_not_grow_with_entries(
    client, db, factories, login, memberships, booked
):
    member = factories.member()
    memberships.lot(member, 9000)
    login(member)
    booked(member)
    few = _statements(client, db, "/app/credits")
    for _ in range(30):
        booked(member)

    assert _statements(client, db, "/app/credits") == few
    assert _statements(client, db, "/app/credits?page=2") == few


# ---- flask credits check ----------------------------------------------------


def test_credits_check_says_clean_after_normal_operations(app, db, factories, memberships):
    member = factories.member()
    memberships.membership(member, memberships.pack())
    adjust_credits(member.id, -150, "Fix", actor=memberships.admin)

    result = app.test_cli_runner().invoke(args=["credits", "check"])

    assert result.exit_code == 0 and result.output == "Ledger clean.\n"


def test_credits_check_exits_1_naming_a_tampered_lot(app, db, factories, memberships):
    member = factories.member()
    memberships.membership(member, memberships.pack(credits=10))
    lot = db.session.scalar(select(CreditLot).where(CreditLot.member_id == member.id))
    db.session.execute(
        text("UPDATE credit_lots SET remaining_cc = 5000 WHERE id = :id"), {"id": lot.id}
    )

    result = app.test_cli_runner().invoke(args=["credits", "check"])

    assert result.exit_code == 1
    assert f"lot balance: lot {lot.id}: 5000 kept, 1000 summed" in result.output
    assert "1 breach(es) found." in result.output
