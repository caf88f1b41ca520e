"""The cash drawer: expected cash, the count, the difference, recounts, audit."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.billing.models import DrawerCount, ItemKind, PaymentMethod
from app.billing.queries import drawer as drawer_queries
from app.billing.services import drawer
from app.billing.services.payments import BillingError, Sale, record_payment, refund_payment
from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from tests.accounts.support import page_text
from tests.billing.conftest import NOW
from tests.conftest import post_form

DRAWER = "/admin/billing/drawer"
TODAY = date(2026, 12, 1)


def _sell(till, actor, method, price_minor, tendered_minor=None):
    return record_payment(
        till.member().id,
        [Sale(ItemKind.OTHER, description="Agua", price_minor=price_minor)],
        method=method,
        actor=actor,
        tendered_minor=tendered_minor,
    )


@pytest.fixture
def day_of_sales(till, clock):
    """Luis took 300 + 150 cash (change given on one), a card payment and
    some cash yesterday; the admin refunds one of today's cash payments and
    voids yesterday's, today, from their own drawer. Ana took 70 cash."""
    luis, ana, admin = till.desk(), till.desk(), till.admin()
    clock(NOW - timedelta(days=1))
    yesterday = _sell(till, luis, PaymentMethod.CASH, 5_000, 5_000)
    clock(NOW)
    _sell(till, luis, PaymentMethod.CASH, 30_000, 50_000)
    refunded = _sell(till, luis, PaymentMethod.CASH, 15_000, 15_000)
    _sell(till, luis, PaymentMethod.CARD, 99_000)
    _sell(till, ana, PaymentMethod.CASH, 7_000, 10_000)
    refund_payment(refunded.id, "Error", actor=admin)
    refund_payment(yesterday.id, "Devuelto", actor=admin, void=True)
    return {"luis": luis, "ana": ana, "admin": admin}


def test_expected_cash_is_cash_taken_minus_cash_refunded_that_day(day_of_sales):
    tally = drawer_queries.tally(TODAY, day_of_sales["luis"].id)
    assert (tally.taken_minor, tally.taken_count) == (45_000, 2)
    assert (tally.returned_minor, tally.returned_count) == (0, 0)  # the admin gave it back
    assert tally.expected_minor == 45_000
    refunder = drawer_queries.tally(TODAY, day_of_sales["admin"].id)
    assert (refunder.taken_minor, refunder.returned_minor, refunder.returned_count) == (
        0,
        20_000,
        2,
    )
    assert refunder.expected_minor == -20_000
    assert drawer_queries.tally(TODAY, day_of_sales["ana"].id).expected_minor == 7_000
    assert (
        drawer_queries.tally(TODAY - timedelta(days=1), day_of_sales["luis"].id).expected_minor
        == 5_000
    )


def test_count_saves_expected_counted_and_difference_and_is_audited(day_of_sales, db):
    luis = day_of_sales["luis"]

    count = drawer.count_drawer(TODAY, luis.id, 44_000, "Faltan 10", actor=luis)

    assert (count.expected_minor, count.counted_minor, count.difference_minor) == (
        45_000,
        44_000,
        -1_000,
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "drawer.counted"))
    assert entry.before is None
    assert entry.after["counted_minor"] == 44_000 and entry.after["expected_minor"] == 45_000


def test_recount_updates_the_same_row_with_before_and_after(day_of_sales, db):
    luis = day_of_sales["luis"]
    drawer.count_drawer(TODAY, luis.id, 24_000, actor=luis)

    drawer.count_drawer(TODAY, luis.id, 25_000, "Encontrado", actor=day_of_sales["admin"])

    [count] = db.session.scalars(select(DrawerCount)).all()
    assert (count.counted_minor, count.note, count.counted_by_id) == (
        25_000,
        "Encontrado",
        day_of_sales["admin"].id,
    )
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "drawer.counted").order_by(AuditEntry.id)
    ).all()
    assert len(entries) == 2
    assert entries[1].before["counted_minor"] == 24_000
    assert entries[1].after["counted_minor"] == 25_000


def test_front_desk_may_not_count_someone_elses_drawer(day_of_sales, db):
    with pytest.raises(AccessDenied):
        drawer.count_drawer(TODAY, day_of_sales["ana"].id, 1, actor=day_of_sales["luis"])
    assert db.session.scalars(select(DrawerCount)).all() == []


@pytest.mark.parametrize(
    ("day", "counted", "field", "message"),
    [
        (TODAY, None, "counted", "Enter the cash counted."),
        (TODAY, 10**9, "counted", "That amount is too large."),
        (TODAY + timedelta(days=1), 0, None, "This day has not come yet."),
    ],
)
def test_bad_counts_are_refused(day_of_sales, db, day, counted, field, message):
    luis = day_of_sales["luis"]
    with pytest.raises(BillingError) as refused:
        drawer.count_drawer(day, luis.id, counted, actor=luis)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert db.session.scalars(select(DrawerCount)).all() == []


# ---- the page ---------------------------------------------------------------------


def test_page_shows_the_tally_and_saves_a_count(day_of_sales, client, login, db):
    luis = day_of_sales["luis"]
    login(luis)

    page = page_text(client.get(DRAWER))
    assert "MX$450.00" in page and "MX$0.00" in page and "MX$200.00" not in page

    response = post_form(client, DRAWER, {"counted": "460.00", "note": ""})

    assert response.status_code == 303
    page = page_text(client.get(response.location))
    assert "Drawer count saved." in page and "MX$10.00 over" in page
    count = db.session.scalar(select(DrawerCount).execution_options(populate_existing=True))
    assert (count.staff_id, count.day, count.counted_minor) == (luis.id, TODAY, 46_000)


def test_page_shows_a_bad_count_as_a_field_error(day_of_sales, client, login, db):
    login(day_of_sales["luis"])

    response = post_form(client, DRAWER, {"counted": "mucho"})

    assert response.status_code == 200
    assert 'id="counted-error">Enter an amount such as 350.00.<' in response.get_data(as_text=True)
    assert db.session.scalars(select(DrawerCount)).all() == []


def test_front_desk_sees_only_their_own_drawer(day_of_sales, client, login):
    login(day_of_sales["luis"])
    other = f"{DRAWER}?staff={day_of_sales['ana'].id}"
    assert client.get(other).status_code == 404
    response = post_form(client, other, {"counted": "70"}, token_from=DRAWER)
    assert response.status_code == 404


def test_admin_counts_anyones_drawer(day_of_sales, client, login, db):
    login(day_of_sales["admin"])
    url = f"{DRAWER}?day=2026-12-01&staff={day_of_sales['ana'].id}"

    assert "MX$70.00" in page_text(client.get(url))
    response = post_form(client, url, {"counted": "70"})

    assert response.status_code == 303
    count = db.session.scalar(select(DrawerCount).execution_options(populate_existing=True))
    assert (count.staff_id, count.counted_by_id, count.difference_minor) == (
        day_of_sales["ana"].id,
        day_of_sales["admin"].id,
        0,
    )
    assert "Exact" in page_text(client.get(url))


# ---- a refund after the count -----------------------------------------------------


def _main(response) -> str:
    """The page's <main>: what the drawer says, without the per-request CSRF
    tokens (they carry the time they were made, so two requests a second
    apart differ)."""
    main = page_text(response).split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', main)


def _counts(db):
    return [
        (c.day, c.staff_id, c.expected_minor, c.counted_minor, c.difference_minor)
        for c in db.session.scalars(
            select(DrawerCount).order_by(DrawerCount.id).execution_options(populate_existing=True)
        )
    ]


def test_a_refund_on_a_later_day_leaves_the_counted_day_as_counted(till, clock, db, client, login):
    """Cash taken on day 1 and counted; another admin refunds it on day 2:
    day 1 keeps its count, and the cash leaves the refunder's day-2 drawer."""
    taker, refunder = till.admin(), till.admin()
    day_1, day_2 = TODAY, TODAY + timedelta(days=1)
    clock(NOW)
    sold = _sell(till, taker, PaymentMethod.CASH, 12_000, 20_000)
    drawer.count_drawer(day_1, taker.id, 11_500, "Short 5", actor=taker)
    counted = _counts(db)
    assert counted == [(day_1, taker.id, 12_000, 11_500, -500)]
    login(taker)
    day_1_url = f"{DRAWER}?day={day_1.isoformat()}&staff={taker.id}"
    before = _main(client.get(day_1_url))

    clock(NOW + timedelta(days=1))
    refund_payment(sold.id, "Returned the mat", actor=refunder)

    assert _counts(db) == counted
    assert drawer_queries.tally(day_1, taker.id).expected_minor == 12_000
    assert drawer_queries.tally(day_2, taker.id).returned_minor == 0
    out = drawer_queries.tally(day_2, refunder.id)
    assert (out.taken_minor, out.returned_minor, out.returned_count) == (0, 12_000, 1)
    assert out.expected_minor == -12_000
    after = _main(client.get(day_1_url))
    assert after == before
    assert "changed since the count" not in after
    login(refunder)
    day_2_page = client.get(f"{DRAWER}?day={day_2.isoformat()}&staff={refunder.id}")
    assert 'data-testid="returned">−MX$120.00<' in day_2_page.get_data(as_text=True)


def test_a_counted_day_shows_its_counted_difference_when_cash_comes_in_later(
    day_of_sales, till, db, client, login
):
    """The day's tally may grow after the count (a later sale the same day);
    the count keeps its own expected cash and difference, and says so."""
    luis = day_of_sales["luis"]
    drawer.count_drawer(TODAY, luis.id, 45_000, actor=luis)
    _sell(till, luis, PaymentMethod.CASH, 1_000, 1_000)
    login(luis)

    page = page_text(client.get(DRAWER))

    assert 'data-testid="difference">' in page and "Exact" in page
    assert "The expected cash changed since the count (MX$450.00 then)." in page
