"""The booking engine's rules, one behaviour per test."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.booking.models import Booking, BookingStatus, Hold, HoldStatus, Strike
from app.booking.rules import BookingError
from app.booking.services.bookings import (
    book_now,
    cancel_booking,
    confirm_hold,
    mark_no_show,
    place_hold,
    release_hold,
)
from app.memberships import ledger
from app.memberships.models import EntryKind, LedgerEntry
from tests.booking.conftest import NOW


def _entries(db, member):
    return [
        (e.kind, e.amount_cc)
        for e in db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.member_id == member.id).order_by(LedgerEntry.id)
        )
    ]


def test_hold_then_confirm_spends_one_credit(booker, db, outbox):
    cs, member = booker.session(), booker.member(credits=3)
    hold = place_hold(cs.id, member, actor=member)
    assert hold.expires_at == NOW + timedelta(minutes=10)
    assert ledger.balance(member.id) == 300  # nothing spent while held
    booking = confirm_hold(hold.id, member, actor=member)
    assert booking.status is BookingStatus.CONFIRMED and booking.credits_cc == 100
    assert ledger.balance(member.id) == 200
    assert booker.reload(Hold, hold.id).status is HoldStatus.CONFIRMED
    assert [m.recipients for m in outbox] == [[member.email]]
    assert f"Hello {member.name}," in outbox[0].body
    assert ledger.check_ledger() == []


def test_one_tap_booking_goes_through_the_same_rules(booker, db):
    cs, member = booker.session(), booker.member(credits=1)
    booking = book_now(cs.id, member, actor=member)
    assert _entries(db, member) == [(EntryKind.PURCHASE, 100), (EntryKind.SPEND, -100)]
    with pytest.raises(BookingError, match="You already have a spot in this class."):
        book_now(cs.id, member, actor=member)
    assert booking.membership_id is None


def test_unlimited_membership_books_without_credits(booker, db):
    cs, member = booker.session(), booker.unlimited()
    booking = book_now(cs.id, member, actor=member)
    assert booking.credits_cc == 0 and booking.membership_id is not None
    assert _entries(db, member) == []


def test_member_without_membership_or_credits_is_told_why(booker, db):
    cs, member = booker.session(credits=2), booker.member(credits=1)
    with pytest.raises(BookingError) as refused:
        place_hold(cs.id, member, actor=member)
    assert str(refused.value) == "You need an active membership or 2 credits to book this class."
    assert db.session.scalar(select(func.count(Hold.id))) == 0


def test_expired_credits_do_not_count_even_before_the_expiry_job(booker, clock):
    cs = booker.session()
    member = booker.member(credits=1, expires_in=timedelta(hours=1))
    clock(NOW + timedelta(hours=2))
    with pytest.raises(BookingError, match="active membership or 1 credit to"):
        book_now(cs.id, member, actor=member)


def test_full_class_refuses_another_hold(booker):
    cs = booker.session(capacity=1)
    first, second = booker.member(credits=1), booker.member(credits=1)
    place_hold(cs.id, first, actor=first)
    with pytest.raises(BookingError, match="This class is full."):
        place_hold(cs.id, second, actor=second)


def test_expired_hold_stops_counting_without_any_job(booker, clock):
    cs = booker.session(capacity=1)
    first, second = booker.member(credits=1), booker.member(credits=1)
    hold = place_hold(cs.id, first, actor=first)
    clock(NOW + timedelta(minutes=10, seconds=1))
    place_hold(cs.id, second, actor=second)  # the first hold no longer takes the spot
    with pytest.raises(BookingError, match="Your hold has expired. Try to book again."):
        confirm_hold(hold.id, first, actor=first)


def test_double_hold_is_refused(booker):
    cs, member = booker.session(), booker.member(credits=2)
    place_hold(cs.id, member, actor=member)
    with pytest.raises(BookingError, match="already holding a spot"):
        place_hold(cs.id, member, actor=member)


def test_someone_elses_hold_cannot_be_confirmed_or_released(booker):
    cs = booker.session()
    owner, other = booker.member(credits=1), booker.member(credits=1)
    hold = place_hold(cs.id, owner, actor=owner)
    with pytest.raises(BookingError, match="We couldn't find that hold."):
        confirm_hold(hold.id, other, actor=other)
    with pytest.raises(BookingError, match="We couldn't find that hold."):
        release_hold(hold.id, other, actor=other)


@pytest.mark.parametrize(
    ("starts_in", "window", "message"),
    [
        (timedelta(days=8), None, "Booking for this class opens on"),
        (timedelta(minutes=20), None, "Booking for this class has closed."),
        (timedelta(days=2), {"status": "draft"}, "This class is no longer on the schedule."),
    ],
)
def test_booking_window_and_status_are_enforced(booker, db, starts_in, window, message):
    from app.scheduling.models import SessionStatus

    cs = booker.session(starts_in=starts_in)
    if window:
        cs.status = SessionStatus.DRAFT
        db.session.commit()
    member = booker.member(credits=1)
    with pytest.raises(BookingError, match=message):
        book_now(cs.id, member, actor=member)


@pytest.mark.parametrize(
    ("hours_before", "refund_cc", "strike"),
    [
        (24, 100, False),  # exactly 24 h: full refund
        (23.99, 50, False),
        (12, 50, False),  # exactly 12 h: half
        (11.99, 0, True),
    ],
)
def test_refund_tiers_at_their_boundaries(booker, db, clock, hours_before, refund_cc, strike):
    cs, member = booker.session(starts_in=timedelta(days=3)), booker.member(credits=1)
    booking = book_now(cs.id, member, actor=member)
    clock(cs.starts_at - timedelta(hours=hours_before))
    cancel_booking(booking.id, member, actor=member)
    saved = booker.reload(Booking, booking.id)
    assert saved.status is BookingStatus.CANCELLED and saved.refunded_cc == refund_cc
    assert ledger.balance(member.id) == refund_cc
    settlement = _entries(db, member)[-1]
    assert settlement == ((EntryKind.REFUND, refund_cc) if refund_cc else (EntryKind.FORFEIT, 0))
    assert bool(db.session.scalar(select(func.count(Strike.id)))) is strike
    assert ledger.check_ledger() == []


def test_unlimited_late_cancel_costs_nothing_but_is_a_strike(booker, db, clock):
    cs, member = booker.session(), booker.unlimited()
    booking = book_now(cs.id, member, actor=member)
    clock(cs.starts_at - timedelta(hours=2))
    cancel_booking(booking.id, member, actor=member)
    assert _entries(db, member) == []
    assert db.session.scalar(select(Strike.member_id)) == member.id


def test_cancelling_twice_or_someone_elses_booking_is_refused(booker):
    cs = booker.session()
    owner, other = booker.member(credits=1), booker.member(credits=1)
    booking = book_now(cs.id, owner, actor=owner)
    with pytest.raises(BookingError, match="We couldn't find that booking."):
        cancel_booking(booking.id, other, actor=other)
    cancel_booking(booking.id, owner, actor=owner)
    with pytest.raises(BookingError, match="This booking is already cancelled."):
        cancel_booking(booking.id, owner, actor=owner)


def test_booking_again_after_cancelling_makes_a_new_booking(booker, db):
    cs, member = booker.session(), booker.member(credits=2)
    first = book_now(cs.id, member, actor=member)
    cancel_booking(first.id, member, actor=member)
    second = book_now(cs.id, member, actor=member)
    assert second.id != first.id
    assert ledger.balance(member.id) == 100
    assert ledger.check_ledger() == []


def test_no_show_forfeits_the_credits_and_records_a_strike(booker, db, factories, clock):
    cs, member = booker.session(), booker.member(credits=1)
    booking = book_now(cs.id, member, actor=member)
    desk = factories.front_desk()
    with pytest.raises(BookingError, match="once the class has started"):
        mark_no_show(booking.id, actor=desk)
    clock(cs.starts_at + timedelta(minutes=15))
    mark_no_show(booking.id, actor=desk)
    assert booker.reload(Booking, booking.id).status is BookingStatus.NO_SHOW
    assert _entries(db, member)[-1] == (EntryKind.FORFEIT, 0)
    assert ledger.balance(member.id) == 0


def test_strikes_block_booking_when_the_gym_turns_it_on(booker, db, clock):
    from app.settings.models import DEFAULTS, GymSettings

    settings = db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
    settings.strike_limit, settings.strike_block_days = 1, 7
    db.session.add(settings)
    db.session.commit()
    member = booker.unlimited()
    late = booker.session(starts_in=timedelta(hours=5))
    booking = book_now(late.id, member, actor=member)
    cancel_booking(booking.id, member, actor=member)  # a strike
    with pytest.raises(BookingError, match="you can book again from"):
        book_now(booker.session().id, member, actor=member)


def test_credits_are_spent_from_the_lot_that_expires_first(booker, db):
    from app.core.db import transaction
    from app.memberships.models import CreditLot, LotSource

    cs = booker.session()
    member = booker.member(credits=1, expires_in=timedelta(days=60))
    with transaction():
        soon = ledger.grant(member.id, 100, NOW + timedelta(days=5), source=LotSource.PURCHASE)
    book_now(cs.id, member, actor=member)
    assert booker.reload(CreditLot, soon.id).remaining_cc == 0
    assert ledger.balance(member.id) == 100
