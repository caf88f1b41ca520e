"""Walk-ins: booked and checked in at the door in one transaction."""

from datetime import timedelta

import pytest

from app.attendance import services, tokens
from app.attendance.models import CheckInMethod, ScanResult
from app.attendance.services import CheckInError
from app.booking.models import Booking, BookingStatus
from app.booking.rules import BookingError
from app.core.errors import AccessDenied
from app.memberships import ledger
from app.memberships.models import EntryKind
from app.scheduling.services.sessions import cancel_session
from tests.attendance.conftest import NOW
from tests.attendance.support import check_in_of, count, entries, written


@pytest.fixture
def desk(door):
    return door.factories.front_desk()


def test_walk_in_books_and_checks_in_spending_credits_once(door, desk):
    cs = door.session(starts_in=timedelta(minutes=30))
    member = door.member(credits=2)
    check_in = services.add_walk_in(cs.id, member, actor=desk)
    assert check_in.method is CheckInMethod.WALK_IN
    assert (check_in.by_id, check_in.member_id, check_in.session_id) == (desk.id, member.id, cs.id)
    assert check_in.checked_in_at == NOW and check_in.is_late is False
    booking = check_in.booking
    assert (booking.status, booking.session_id, booking.credits_cc) == (
        BookingStatus.CONFIRMED,
        cs.id,
        100,
    )
    assert count(Booking) == 1
    assert entries(member.id) == [(EntryKind.PURCHASE, 200), (EntryKind.SPEND, -100)]
    assert ledger.balance(member.id) == 100
    assert ledger.check_ledger() == []


def test_a_walk_in_is_already_checked_in_when_their_code_is_scanned(door, desk):
    cs = door.session(starts_in=timedelta(minutes=30))
    check_in = services.add_walk_in(cs.id, door.member(credits=1), actor=desk)
    outcome = services.scan(tokens.qr_token(check_in.booking_id), actor=desk, device="d")
    assert outcome.result is ScanResult.ALREADY


def test_walk_in_with_an_unlimited_membership_spends_nothing(door, desk):
    cs = door.session(starts_in=timedelta(minutes=30))
    member = door.unlimited()
    check_in = services.add_walk_in(cs.id, member, actor=desk)
    assert check_in.booking.credits_cc == 0
    assert entries(member.id) == []


def test_the_classs_trainer_may_add_a_walk_in_after_the_start_and_it_is_late(door, clock):
    cs = door.session(starts_in=timedelta(minutes=30))
    member = door.member(credits=1)
    clock(cs.starts_at + timedelta(minutes=25))
    trainer = door.trainer_of(cs)
    check_in = services.add_walk_in(cs.id, member, actor=trainer)
    assert check_in.is_late is True and check_in.by_id == trainer.id
    assert ledger.balance(member.id) == 0


def test_walk_in_into_a_full_class_is_refused_with_nothing_written(door, desk):
    cs, *_ = door.booked(capacity=1)
    member = door.member(credits=1)
    before = written()
    with pytest.raises(BookingError, match="This class is full."):
        services.add_walk_in(cs.id, member, actor=desk)
    assert written() == before
    assert ledger.balance(member.id) == 100


def test_walk_in_after_the_class_ended_is_refused_with_nothing_written(door, desk, clock):
    cs = door.session(starts_in=timedelta(minutes=30))
    member = door.member(credits=1)
    clock(cs.ends_at)
    before = written()
    with pytest.raises(BookingError, match="This class has ended."):
        services.add_walk_in(cs.id, member, actor=desk)
    assert written() == before


def test_walk_in_before_check_in_opens_is_refused_and_the_booking_rolls_back(door, desk):
    cs = door.session(starts_in=timedelta(hours=2))
    member = door.member(credits=1)
    before = written()
    with pytest.raises(CheckInError, match="Too early: check-in opens at 10:00.") as refused:
        services.add_walk_in(cs.id, member, actor=desk)
    assert refused.value.result is ScanResult.TOO_EARLY
    assert written() == before  # no booking, spend, email, audit entry or check-in
    assert ledger.balance(member.id) == 100
    assert ledger.check_ledger() == []


def test_walk_in_for_tomorrow_is_refused_with_nothing_written(door, desk):
    cs = door.session(starts_in=timedelta(days=1))
    member = door.member(credits=1)
    before = written()
    with pytest.raises(CheckInError, match="Too early"):
        services.add_walk_in(cs.id, member, actor=desk)
    assert written() == before


def test_walk_in_of_a_member_already_booked_is_refused(door, desk):
    cs, member, booking = door.booked()
    before = written()
    with pytest.raises(BookingError, match=f"{member.name} already has a spot in this class."):
        services.add_walk_in(cs.id, member, actor=desk)
    assert written() == before
    assert check_in_of(booking.id) is None


def test_walk_in_without_credits_is_refused_with_nothing_written(door, desk):
    cs = door.session(starts_in=timedelta(minutes=30))
    member = door.member()
    before = written()
    with pytest.raises(BookingError, match=f"{member.name} needs an active membership or 1 credit"):
        services.add_walk_in(cs.id, member, actor=desk)
    assert written() == before


def test_walk_in_for_a_cancelled_class_is_refused(door, desk):
    cs = door.session(starts_in=timedelta(minutes=30))
    cancel_session(cs.id, "Flooded room.", actor=door.schedule.admin())
    member = door.member(credits=1)
    before = written()
    with pytest.raises(BookingError, match="no longer on the schedule"):
        services.add_walk_in(cs.id, member, actor=desk)
    assert written() == before


@pytest.mark.parametrize("who", ["another trainer", "a member"])
def test_walk_in_by_someone_not_staff_of_the_class_is_refused_with_nothing_written(door, who):
    cs = door.session(starts_in=timedelta(minutes=30))
    member = door.member(credits=1)
    if who == "another trainer":
        actor = door.trainer_of(door.session(starts_in=timedelta(minutes=30)))
    else:
        actor = member
    before = written()
    with pytest.raises(AccessDenied):
        services.add_walk_in(cs.id, member, actor=actor)
    assert written() == before
    assert ledger.balance(member.id) == 100
