"""The cancel page says what this cancellation costs, and the ledger, the
strikes and the flash afterwards agree with it (one rule: `cancel_terms`)."""

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from app.booking.models import Strike, StrikeKind
from app.booking.rules import BookingError
from app.booking.services.bookings import book_now, cancel_booking
from app.memberships import ledger
from app.memberships.models import EntryKind
from app.settings.models import DEFAULTS, GymSettings
from tests.accounts.support import page_text
from tests.booking.member_support import act, ledger_kinds, said

TERMS = re.compile(r'id="cancel-terms">(.*?)</div>', re.S)


@pytest.fixture
def rules(db):
    """rules(**values): save these gym settings for the rest of the test."""

    def save(**values):
        settings = db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
        for name, value in values.items():
            setattr(settings, name, value)
        db.session.add(settings)
        db.session.commit()
        g.pop("gym_settings", None)

    return save


def notice(client, booking) -> str:
    """The sentence the cancel page shows before the member confirms."""
    return TERMS.search(page_text(client.get(f"/app/bookings/{booking.id}/cancel"))).group(1)


def strikes(db, member) -> list[StrikeKind]:
    return list(db.session.scalars(select(Strike.kind).where(Strike.member_id == member.id)))


def test_an_early_cancel_gives_the_credit_back_and_is_no_strike(booker, client, login, db, rules):
    rules(strike_limit=3)
    member = booker.member(credits=3)
    login(member)
    booking = book_now(booker.session().id, member, actor=member)

    before = notice(client, booking)
    after = said(act(client, f"/app/bookings/{booking.id}/cancel"))

    assert before == "You get your 1 credit back. It doesn't count as a late cancellation."
    assert after == ["Your booking is cancelled.", "1 credit is back in your balance."]
    assert ledger_kinds(db, member)[-1] == (EntryKind.REFUND, 100)
    assert ledger.balance(member.id) == 300
    assert strikes(db, member) == []


def test_a_cancel_in_the_partial_window_says_what_comes_back_and_what_is_lost(
    booker, client, login, db, rules
):
    rules(full_refund_hours=24, partial_refund_hours=12, partial_refund_percent=50)
    member = booker.member(credits=3)
    login(member)
    cs = booker.session(starts_in=timedelta(hours=18), credits=2)
    booking = book_now(cs.id, member, actor=member)

    before = notice(client, booking)
    after = said(act(client, f"/app/bookings/{booking.id}/cancel"))

    assert before == (
        "You get 1 of your 2 credits back and lose 1. It doesn't count as a late cancellation."
    )
    assert after == [
        "Your booking is cancelled.",
        "1 of your 2 credits are back in your balance; you lost 1.",
    ]
    assert ledger.balance(member.id) == 200  # 3 - 2 + 1
    assert strikes(db, member) == []


def test_a_late_cancel_of_a_pack_loses_the_credit_and_counts_a_strike(
    booker, client, login, db, rules
):
    rules(strike_limit=3, strike_block_days=7)
    member = booker.member(credits=3)
    login(member)
    booking = book_now(booker.session(starts_in=timedelta(hours=2)).id, member, actor=member)

    before = notice(client, booking)
    after = said(act(client, f"/app/bookings/{booking.id}/cancel"))

    assert before == (
        "It's too late for a refund: you lose 1 credit. It counts as a late cancellation: "
        "strike 1 of 3 in 30 days. At 3 strikes, booking is blocked for 7 days."
    )
    assert after == [
        "Your booking is cancelled.",
        "You lost 1 credit. It was recorded as a late cancellation: strike 1 of 3 in 30 days. "
        "At 3 strikes, booking is blocked for 7 days.",
    ]
    assert ledger_kinds(db, member)[-1] == (EntryKind.FORFEIT, 0)
    assert ledger.balance(member.id) == 200
    assert strikes(db, member) == [StrikeKind.LATE_CANCEL]


def test_a_late_cancel_on_an_unlimited_plan_loses_nothing_but_says_the_block_it_causes(
    booker, client, login, db, rules
):
    rules(strike_limit=2, strike_block_days=7)
    member = booker.unlimited()
    login(member)
    earlier = book_now(booker.session(starts_in=timedelta(hours=1)).id, member, actor=member)
    cancel_booking(earlier.id, member, actor=member)  # strike 1 of 2
    booking = book_now(booker.session(starts_in=timedelta(hours=3)).id, member, actor=member)

    before = notice(client, booking)
    after = said(act(client, f"/app/bookings/{booking.id}/cancel"))

    assert before == (
        "Your plan covers this class: you lose no credits. It counts as a late cancellation: "
        "strike 2 of 2 in 30 days, so you can't book again until Tue 8 Dec, 9:00\u202fAM."
    )
    assert after == [
        "Your booking is cancelled.",
        "Your plan covered it: no credits were used. It was recorded as a late cancellation, "
        "strike 2 of 2 in 30 days: you can book again from Tue 8 Dec, 9:00\u202fAM.",
    ]
    assert strikes(db, member) == [StrikeKind.LATE_CANCEL, StrikeKind.LATE_CANCEL]
    assert ledger_kinds(db, member) == []
    with pytest.raises(BookingError, match="you can book again from Tue 8 Dec, 9:00\u202fAM"):
        book_now(booker.session().id, member, actor=member)


def test_a_late_cancel_without_a_strike_limit_still_says_it_is_late(booker, client, login, db):
    member = booker.unlimited()
    login(member)
    booking = book_now(booker.session(starts_in=timedelta(hours=2)).id, member, actor=member)

    before = notice(client, booking)
    after = said(act(client, f"/app/bookings/{booking.id}/cancel"))

    assert before == (
        "Your plan covers this class: you lose no credits. It counts as a late cancellation."
    )
    assert after[1] == (
        "Your plan covered it: no credits were used. It was recorded as a late cancellation."
    )
    assert strikes(db, member) == [StrikeKind.LATE_CANCEL]


def test_the_cancel_page_speaks_spanish_with_plurals(booker, client, login, rules):
    rules(strike_limit=3, strike_block_days=7)
    member = booker.member(credits=3, language="es")
    login(member)
    cs = booker.session(starts_in=timedelta(hours=2), credits=2)
    booking = book_now(cs.id, member, actor=member)

    before = notice(client, booking)

    assert "2 créditos" in before and "1 de 3" in before and "7 días" in before
    assert "credit" not in before


def test_a_desk_refund_choice_is_no_strike_whatever_the_policy(booker, db, rules, schedule):
    rules(strike_limit=3)
    member = booker.member(credits=1)
    booking = book_now(booker.session(starts_in=timedelta(hours=2)).id, member, actor=member)

    cancel_booking(booking.id, member, actor=schedule.admin(), refund=False)

    assert strikes(db, member) == []
    assert ledger.balance(member.id) == 0


def test_a_cancel_result_stored_before_the_terms_were_kept_replays_without_them(app):
    from flask import get_flashed_messages

    from app.booking.views.member import _cancelled

    with app.test_request_context("/app/bookings", headers={"Cookie": "cupo_lang=en"}):
        _cancelled({"booking_id": 1, "refunded_cc": 100})

        assert get_flashed_messages() == ["Your booking is cancelled."]
