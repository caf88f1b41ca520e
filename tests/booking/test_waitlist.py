"""The waitlist: fair order, priority holds, lapses, and cancelled classes."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.booking.models import Booking, BookingStatus, Hold, WaitlistEntry, WaitlistStatus
from app.booking.queries import occupancy
from app.booking.queries.member import position_of
from app.booking.rules import BookingError
from app.booking.services.bookings import book_now, cancel_booking, confirm_hold
from app.booking.services.waitlist import (
    expire_holds,
    join_waitlist,
    leave_waitlist,
    promote_waitlist,
)
from app.memberships import ledger
from app.scheduling.services.sessions import cancel_session
from tests.booking.conftest import NOW


def _offer(db, member):
    entry = db.session.scalar(
        select(WaitlistEntry)
        .where(WaitlistEntry.member_id == member.id)
        .execution_options(populate_existing=True)
    )
    return entry, entry.hold if entry and entry.hold_id else None


@pytest.fixture
def full_class(booker):
    cs = booker.session(capacity=1)
    first = booker.member(credits=1, name="First")
    booking = book_now(cs.id, first, actor=first)
    line = [booker.member(credits=1, name=f"Waiting {n}") for n in range(3)]
    for member in line:
        join_waitlist(cs.id, member, actor=member)
    return cs, first, booking, line


def test_members_queue_in_order_and_see_their_position(full_class, db):
    cs, _, _, line = full_class
    entries = db.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
    assert [position_of(e) for e in entries] == [1, 2, 3]
    leave_waitlist(entries[0].id, line[0], actor=line[0])
    assert [position_of(e) for e in entries[1:]] == [1, 2]


def test_joining_a_class_with_free_spots_or_twice_is_refused(booker, full_class):
    cs, first, _, line = full_class
    with pytest.raises(BookingError, match="already on the waitlist"):
        join_waitlist(cs.id, line[0], actor=line[0])
    with pytest.raises(BookingError, match="You already have a spot"):
        join_waitlist(cs.id, first, actor=first)
    roomy, member = booker.session(capacity=5), booker.member(credits=1)
    with pytest.raises(BookingError, match="There are free spots"):
        join_waitlist(roomy.id, member, actor=member)


def test_a_cancellation_offers_the_head_of_the_line_a_priority_hold(full_class, db, outbox):
    cs, first, booking, line = full_class
    cancel_booking(booking.id, first, actor=first)  # promotion runs inline after commit
    entry, hold = _offer(db, line[0])
    assert entry.status is WaitlistStatus.OFFERED
    assert hold.is_priority and hold.expires_at == NOW + timedelta(minutes=5)
    [offer] = [m for m in outbox if m.recipients == [line[0].email]]
    assert f"Hello {line[0].name}," in offer.body
    assert occupancy.taken(cs.id) == 1  # the offer holds the spot: nobody else can take it
    booking = confirm_hold(hold.id, line[0], actor=line[0])
    assert booking.status is BookingStatus.CONFIRMED
    assert _offer(db, line[0])[0].status is WaitlistStatus.PROMOTED


def test_lapsed_offers_pass_down_the_line(full_class, db, clock):
    cs, first, booking, line = full_class
    cancel_booking(booking.id, first, actor=first)
    for lapsed, minutes in ((line[0], 6), (line[1], 12)):
        clock(NOW + timedelta(minutes=minutes))
        expire_holds()  # queues promotion; jobs run inline
        assert _offer(db, lapsed)[0].status is WaitlistStatus.LAPSED
    entry, hold = _offer(db, line[2])
    assert entry.status is WaitlistStatus.OFFERED and hold.expires_at > NOW + timedelta(minutes=12)
    with pytest.raises(BookingError, match="Your hold has expired"):
        confirm_hold(_offer(db, line[0])[1].id, line[0], actor=line[0])
    confirm_hold(hold.id, line[2], actor=line[2])
    assert occupancy.taken(cs.id) == 1


def test_promotion_never_overbooks(full_class, db):
    cs, *_ = full_class
    assert promote_waitlist(cs.id) == 0  # no free spot, no offer
    assert db.session.scalar(select(Hold.id)) is None


def test_cancelling_the_class_refunds_everyone_and_clears_the_line(
    full_class, db, schedule, outbox
):
    cs, first, booking, line = full_class
    cancel_session(cs.id, "Power cut", actor=schedule.admin())
    saved = db.session.get(Booking, booking.id, populate_existing=True)
    assert saved.status is BookingStatus.CANCELLED and saved.refunded_cc == 100
    assert ledger.balance(first.id) == 100
    statuses = db.session.scalars(select(WaitlistEntry.status)).all()
    assert set(statuses) == {WaitlistStatus.LEFT}
    notified = {m.recipients[0] for m in outbox if "Power cut" in m.body}
    trainer = cs.trainer.user.email  # told too (trainer_session_changed)
    assert notified == {first.email, *(m.email for m in line), trainer}
    assert ledger.check_ledger() == []


def test_raising_the_capacity_offers_the_new_spots_in_order(full_class, db, schedule):
    from app.scheduling.services.sessions import update_session

    cs, _, _, line = full_class
    update_session(
        cs.id,
        {
            "starts_at": cs.starts_at,
            "trainer_id": cs.trainer_id,
            "room_id": cs.room_id,
            "capacity": 3,
        },
        actor=schedule.admin(),
    )
    offered = [_offer(db, member)[0].status for member in line]
    assert offered == [WaitlistStatus.OFFERED, WaitlistStatus.OFFERED, WaitlistStatus.WAITING]
    assert occupancy.taken(cs.id) == 3
