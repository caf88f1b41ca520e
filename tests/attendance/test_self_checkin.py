"""Self check-in: the member's app reads the door code and checks them in to
their own booking open now, under the staff scanner's rules.

NOW is Tuesday 1 December 2026, 9:00 in Mexico City (15:00 UTC); classes last
an hour; check-in opens 60 minutes before the start and a check-in more than
10 minutes after the start is late.
"""

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from app.attendance import door, services, tokens
from app.attendance.models import CheckIn, CheckInMethod, ScanResult
from app.attendance.services import SelfCheckInOff
from app.booking.services.bookings import book_now, cancel_booking
from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from app.extensions import db
from app.settings.models import DEFAULTS, GymSettings
from tests.attendance.conftest import NOW
from tests.attendance.support import attempts, check_in_of, count, written


def plain(message: str) -> str:
    """The message with Babel's narrow no-break spaces (10:00\u202fAM) as spaces."""
    return message.replace("\u202f", " ")


def gym_code(at=NOW):
    return door.door_token(door.GYM, at)


def room_code(cs, at=NOW):
    return door.door_token(door.room_location(cs.room_id), at)


def turn_off_self_check_in():
    settings = db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
    settings.self_checkin_enabled = False
    db.session.add(settings)
    db.session.commit()
    g.pop("gym_settings", None)


@pytest.fixture
def booked(door):
    """A class at 9:30 local, open for check-in now, and its member."""
    return door.booked(starts_in=timedelta(minutes=30))


# --- checked in ----------------------------------------------------------------------


def test_the_door_code_checks_the_member_in_to_their_class(booked):
    cs, member, booking = booked
    outcome = services.self_check_in(member, gym_code())

    assert outcome.result is ScanResult.CHECKED_IN, outcome.message
    assert outcome.message == f"Welcome, {member.name.split()[0]}! You're checked in."
    assert outcome.booking.id == booking.id
    check_in = check_in_of(booking.id)
    assert check_in.method is CheckInMethod.DOOR
    assert check_in.by_id == member.id and check_in.is_late is False
    [attempt] = attempts()
    assert (attempt.scanner_id, attempt.device, attempt.method) == (
        member.id,
        "door:GYM",
        CheckInMethod.DOOR,
    )
    assert attempt.result is ScanResult.CHECKED_IN and attempt.booking_id == booking.id
    assert attempt.text == gym_code()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "booking.checked_in"))
    assert entry.actor_id == member.id and entry.after == {"method": "door", "late": False}


def test_after_the_grace_period_the_member_is_checked_in_late(booked, clock):
    cs, member, booking = booked
    clock(cs.starts_at + timedelta(minutes=15))
    outcome = services.self_check_in(member, gym_code(cs.starts_at + timedelta(minutes=15)))

    assert outcome.result is ScanResult.LATE
    assert "late" in outcome.message
    assert check_in_of(booking.id).is_late is True


def test_a_code_that_just_rotated_still_works(booked):
    cs, member, booking = booked
    outcome = services.self_check_in(member, gym_code(NOW - timedelta(seconds=30)))
    assert outcome.ok, outcome.message


def test_a_rooms_code_checks_in_to_a_class_in_that_room(booked):
    cs, member, booking = booked
    outcome = services.self_check_in(member, room_code(cs))
    assert outcome.ok, outcome.message
    assert attempts()[0].device == f"door:R{cs.room_id}"


def test_of_two_classes_open_the_one_in_the_codes_room_is_checked_in(door):
    first, member, _first_booking = door.booked(starts_in=timedelta(minutes=20))
    second = door.session(starts_in=timedelta(minutes=50))
    booking = book_now(second.id, member, actor=door.schedule.admin(), overlap_ok=True)

    outcome = services.self_check_in(member, room_code(second))

    assert outcome.ok and outcome.booking.id == booking.id
    assert count(CheckIn) == 1


def test_the_gyms_code_checks_in_to_the_earliest_class_open(door):
    first, member, first_booking = door.booked(starts_in=timedelta(minutes=20))
    second = door.session(starts_in=timedelta(minutes=50))
    book_now(second.id, member, actor=door.schedule.admin(), overlap_ok=True)

    outcome = services.self_check_in(member, gym_code())

    assert outcome.ok and outcome.booking.id == first_booking.id


# --- refused, logged, nothing else written -------------------------------------------


def _refused(member, text, result, message=None):
    before = written()
    outcome = services.self_check_in(member, text)
    assert outcome.result is result, outcome.message
    if message is not None:
        assert plain(outcome.message) == message
    after = written()
    assert after.pop("scan_attempts") == before.pop("scan_attempts") + 1
    assert after == before  # no check-in, no audit entry
    assert attempts()[-1].result is result
    return outcome


def test_a_photo_of_an_old_code_has_expired(booked):
    cs, member, booking = booked
    _refused(
        member,
        gym_code(NOW - timedelta(minutes=5)),
        ScanResult.CODE_EXPIRED,
        "This door code has expired. Scan the code on the screen again: "
        "it changes every 30 seconds.",
    )


def test_a_code_two_windows_old_has_expired(booked):
    cs, member, booking = booked
    _refused(member, gym_code(NOW - timedelta(seconds=60)), ScanResult.CODE_EXPIRED)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("CUPO-DOOR-GYM-1R31E8-ZS0529073WPT0RZC", id="forged"),
        pytest.param("https://example.com/", id="another QR"),
        pytest.param("", id="empty"),
        pytest.param("CUPO-DOOR-GYM-\x00", id="a NUL byte"),
    ],
)
def test_what_is_not_a_door_code_of_this_gym_is_refused(booked, text):
    cs, member, booking = booked
    outcome = _refused(
        member,
        text,
        ScanResult.UNKNOWN,
        "This is not a door code of this gym. Scan the code on the check-in screen.",
    )
    assert outcome.booking is None


def test_the_members_own_booking_qr_is_not_a_door_code(booked):
    cs, member, booking = booked
    _refused(member, tokens.qr_token(booking.id), ScanResult.UNKNOWN)


def test_a_member_without_a_booking_is_told_so(booked, door):
    cs, _member, booking = booked
    stranger = door.member()
    _refused(
        stranger,
        gym_code(),
        ScanResult.NO_BOOKING,
        "You have no booking to check in to now. Book a class in the app, "
        "or ask at the front desk.",
    )
    assert check_in_of(booking.id) is None  # someone else's booking is not theirs


def test_a_booking_on_another_day_is_no_booking_now(door):
    cs, member, booking = door.booked(starts_in=timedelta(days=1))
    _refused(member, gym_code(), ScanResult.NO_BOOKING)


def test_too_early_says_when_check_in_opens(door):
    cs, member, booking = door.booked(starts_in=timedelta(hours=2))
    _refused(member, gym_code(), ScanResult.TOO_EARLY, "Too early: check-in opens at 10:00 AM.")


def test_twice_is_already_checked_in(booked):
    cs, member, booking = booked
    assert services.self_check_in(member, gym_code()).ok
    _refused(member, gym_code(), ScanResult.ALREADY, "Already checked in at 9:00 AM.")


def test_after_the_class_it_has_ended(booked, clock):
    cs, member, booking = booked
    clock(cs.ends_at + timedelta(minutes=5))
    outcome = services.self_check_in(member, gym_code(cs.ends_at + timedelta(minutes=5)))
    assert outcome.result is ScanResult.EXPIRED
    assert plain(outcome.message) == "Expired: this class ended at 10:30 AM."
    assert count(CheckIn) == 0


def test_a_cancelled_booking_no_longer_stands(booked):
    cs, member, booking = booked
    cancel_booking(booking.id, member, actor=member)
    _refused(member, gym_code(), ScanResult.CANCELLED, "Cancelled: this booking no longer stands.")


def test_a_later_class_explains_better_than_a_cancelled_one(door):
    cs, member, booking = door.booked(starts_in=timedelta(minutes=30))
    cancel_booking(booking.id, member, actor=member)
    later = door.session(starts_in=timedelta(hours=3))
    book_now(later.id, member, actor=door.schedule.admin(), overlap_ok=True)
    _refused(member, gym_code(), ScanResult.TOO_EARLY, "Too early: check-in opens at 11:00 AM.")


def test_another_rooms_code_names_the_room_of_the_class(booked, door):
    cs, member, booking = booked
    elsewhere = door.session(starts_in=timedelta(minutes=30))
    _refused(
        member,
        room_code(elsewhere),
        ScanResult.WRONG_ROOM,
        f"Wrong room: your class {cs.class_type.name} at 9:30 AM is in {cs.room.name}. "
        "Scan the code on the screen there.",
    )


# --- who, and whether at all ---------------------------------------------------------


def test_nothing_happens_while_the_gym_has_self_check_in_off(booked):
    cs, member, booking = booked
    turn_off_self_check_in()
    before = written()
    with pytest.raises(SelfCheckInOff, match="Self check-in is off at this gym"):
        services.self_check_in(member, gym_code())
    assert written() == before


@pytest.mark.parametrize("role", ["trainer", "front_desk", "admin"])
def test_only_members_check_themselves_in(booked, door, role):
    cs, member, booking = booked
    staff = getattr(door.factories, role)()
    with pytest.raises(AccessDenied):
        services.self_check_in(staff, gym_code())
    assert count(CheckIn) == 0 and attempts() == []
