"""The sandbox checkout refuses an expired card and a malformed expiry, as a
real gateway would: a field error, and nothing charged or written."""

from datetime import date

import pytest
from sqlalchemy import select

from app.billing.gateways.sandbox import SandboxError, charge, expiry_error
from app.billing.models import Order, OrderStatus
from app.core.jobs import OutboxJob
from tests.billing.online_support import counts, fresh
from tests.billing.test_online_shop import _buy
from tests.conftest import post_form

TODAY = date(2026, 12, 1)
MALFORMED = "Use the form MM/YY."
BAD_MONTH = "Enter a month from 01 to 12."
EXPIRED = "This card has expired."
ABSURD = "Enter the expiry date printed on the card."


@pytest.mark.parametrize(
    ("expiry", "error"),
    [
        ("12/26", None),  # this month: valid through its end
        (" 01 / 27 ", None),
        ("12/46", None),  # twenty years ahead
        ("11/26", EXPIRED),
        ("01/20", EXPIRED),
        ("00/30", BAD_MONTH),
        ("13/30", BAD_MONTH),
        ("99/30", BAD_MONTH),
        ("01/47", ABSURD),
        ("12/99", ABSURD),
        ("1/30", MALFORMED),
        ("12/2030", MALFORMED),
        ("12-30", MALFORMED),
        ("1230", MALFORMED),
        ("ab/cd", MALFORMED),
        ("１２/３０", MALFORMED),  # full-width digits
        ("٠١/٣٠", MALFORMED),  # Arabic-Indic digits
        ("12/3\x00", MALFORMED),
        ("", MALFORMED),
        (None, MALFORMED),
    ],
)
def test_expiry_rule(expiry, error):
    assert expiry_error(expiry, TODAY) == error


@pytest.fixture
def open_order(client, db, till, login):
    login(till.member())
    pack = till.pack(credits=10, price_minor=120_000, name="Pack 10")
    _buy(client, pack.id)
    return db.session.scalar(select(Order))


def _pay(client, order, expiry):
    checkout = f"/billing/sandbox/checkout/{order.gateway_ref}"
    card = {"card_number": "4242 4242 4242 4242", "expiry": expiry, "cvc": "123"}
    return post_form(client, checkout, card)


def _outbox(db):
    return db.session.scalars(select(OutboxJob.name)).all()


@pytest.mark.parametrize(
    ("expiry", "message"),
    [
        ("11/26", EXPIRED),
        ("13/30", BAD_MONTH),
        ("00/30", BAD_MONTH),
        ("12/99", ABSURD),
        ("12/2030", MALFORMED),
        ("xx/yy", MALFORMED),
        ("1" * 200, MALFORMED),
        ("", "Enter the expiry date."),
    ],
)
def test_checkout_refuses_a_bad_expiry_with_a_field_error(client, db, open_order, expiry, message):
    before, jobs = counts(db), _outbox(db)

    response = _pay(client, open_order, expiry)

    assert response.status_code == 200
    assert f'id="expiry-error">{message}<' in response.get_data(as_text=True)
    assert fresh(db, Order, open_order.id).status is OrderStatus.OPEN
    assert counts(db) == before and _outbox(db) == jobs


def test_checkout_error_is_translated(client, db, open_order):
    from app.accounts.models import User
    from app.core.db import transaction

    with transaction():
        db.session.get(User, open_order.member_id).language = "es"

    response = _pay(client, open_order, "11/26")

    assert 'id="expiry-error">Esta tarjeta está vencida.<' in response.get_data(as_text=True)


def test_checkout_takes_a_card_that_expires_this_month(client, db, open_order):
    response = _pay(client, open_order, "12/26")

    assert response.status_code == 303
    assert fresh(db, Order, open_order.id).status is OrderStatus.PAID


def test_charge_refuses_an_expired_card_and_queues_nothing(db, open_order):
    jobs = _outbox(db)

    with pytest.raises(SandboxError) as refused:
        charge(open_order.gateway_ref, "4242424242424242", "11/26", member_id=open_order.member_id)

    assert (refused.value.field, str(refused.value)) == ("expiry", EXPIRED)
    assert _outbox(db) == jobs
