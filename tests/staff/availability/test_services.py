"""Keeping availability and booking 1:1s from free slots: rules and failure paths."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from app.booking.models import Hold
from app.booking.rules import BookingError
from app.booking.services.bookings import confirm_hold
from app.core.errors import NotYours
from app.core.i18n import gym_zone
from app.memberships.models import CC
from app.scheduling.models import ClassSession, SessionStatus
from app.staff.models import AvailabilityBlock, Leave, LeaveKind, LeaveStatus
from app.staff.queries.availability import booked_outside_availability, free_slots_for
from app.staff.services.availability import (
    AvailabilityError,
    SlotTaken,
    add_exception,
    book_slot,
    delete_block,
    save_block,
    set_one_to_one_audience,
)
from app.trainers.models import ClientAssignment
from app.trainers.queries import is_client
from tests.staff.availability.conftest import NOW, WEDNESDAY, at


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _free(trainer, one_type, day=WEDNESDAY):
    return free_slots_for(trainer.id, one_type, [day], NOW, gym_zone())[day]


# -- booking a slot -------------------------------------------------------------


def test_booking_a_slot_creates_a_one_to_one_session_and_holds_it(ones, db):
    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member()
    hold = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), member, actor=member)
    session = db.session.get(ClassSession, hold.session_id)
    assert (session.trainer_id, session.capacity, session.class_type_id) == (
        trainer.id,
        1,
        one_type.id,
    )
    assert session.starts_at == at(WEDNESDAY, 10) and session.ends_at == at(WEDNESDAY, 11)
    assert hold.member_id == member.id and hold.is_live(NOW)
    assert at(WEDNESDAY, 10) not in _free(trainer, one_type)
    assert at(WEDNESDAY, 9, 15) not in _free(trainer, one_type)  # would overlap
    assert at(WEDNESDAY, 11) in _free(trainer, one_type)


def test_confirming_the_hold_spends_the_types_credits_like_any_booking(ones, db):
    trainer, one_type, member = ones.trainer(), ones.one_type(credits_required=2), ones.member(5)
    hold = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), member, actor=member)
    booking = confirm_hold(hold.id, member, actor=member)
    assert booking.credits_cc == 2 * CC
    assert is_client(trainer.id, member.id)


def test_an_overlapping_slot_just_taken_is_refused_and_nothing_is_written(ones, db):
    trainer, one_type = ones.trainer(), ones.one_type()
    first, second = ones.member(), ones.member()
    book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), first, actor=first)
    with pytest.raises(SlotTaken) as refused:
        book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10, 30), second, actor=second)
    assert str(refused.value) == "Sorry, that time was just taken. Here are the free times now."
    assert _count(db, ClassSession) == 1 and _count(db, Hold) == 1


def test_a_lapsed_hold_frees_its_slot_and_the_next_booking_cancels_the_leftover(ones, db, clock):
    trainer, one_type = ones.trainer(), ones.one_type()
    first, second = ones.member(), ones.member()
    hold = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), first, actor=first)
    later = clock(NOW + timedelta(hours=1))
    assert (
        at(WEDNESDAY, 10)
        in free_slots_for(trainer.id, one_type, [WEDNESDAY], later, gym_zone())[WEDNESDAY]
    )
    again = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), second, actor=second)
    leftover = db.session.get(ClassSession, hold.session_id, populate_existing=True)
    assert leftover.status is SessionStatus.CANCELLED
    assert db.session.get(ClassSession, again.session_id).status is SessionStatus.PUBLISHED


def test_the_buffer_keeps_time_free_around_the_trainers_other_classes(ones, db, schedule):
    trainer, one_type = ones.trainer(), ones.one_type(buffer_minutes=15)
    group = schedule.class_type(name="Spin")
    db.session.add(
        ClassSession(
            class_type_id=group.id,
            occurs_on=WEDNESDAY,
            starts_at=at(WEDNESDAY, 11),
            ends_at=at(WEDNESDAY, 12),
            trainer_id=trainer.id,
            room_id=one_type.default_room_id,
            capacity=10,
        )
    )
    db.session.commit()
    free = _free(trainer, one_type)
    assert at(WEDNESDAY, 9, 45) in free and at(WEDNESDAY, 10) not in free
    assert at(WEDNESDAY, 12) not in free and at(WEDNESDAY, 12, 15) not in free  # block ends 13:00
    member = ones.member()
    with pytest.raises(SlotTaken):
        book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), member, actor=member)


def test_approved_leave_removes_slots_and_pending_leave_does_not(ones, db):
    trainer, one_type = ones.trainer(), ones.one_type()
    for status, day in (
        (LeaveStatus.APPROVED, WEDNESDAY),
        (LeaveStatus.PENDING, WEDNESDAY + timedelta(days=7)),
    ):
        start = at(day, 0)
        db.session.add(
            Leave(
                trainer_id=trainer.id,
                kind=LeaveKind.VACATION,
                first_day=day,
                last_day=day,
                starts_at=start,
                ends_at=start + timedelta(days=1),
                status=status,
            )
        )
    db.session.commit()
    assert _free(trainer, one_type) == []
    assert len(_free(trainer, one_type, WEDNESDAY + timedelta(days=7))) == 13


def test_a_time_within_the_notice_is_too_soon(ones, db):
    trainer = ones.trainer(blocks=((1, 9, 13),))  # Tuesdays, today
    one_type, member = ones.one_type(notice_minutes=120), ones.member()
    with pytest.raises(AvailabilityError) as refused:
        book_slot(trainer.id, one_type.id, at(date(2026, 12, 1), 10), member, actor=member)
    assert str(refused.value) == "That time is too soon to book. Choose a later one."
    assert _count(db, ClassSession) == 0


def test_a_past_time_is_refused(ones, db):
    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member()
    with pytest.raises(AvailabilityError):
        book_slot(trainer.id, one_type.id, NOW - timedelta(days=1), member, actor=member)
    assert _count(db, ClassSession) == 0


def test_a_time_off_the_grid_or_beyond_the_horizon_is_not_free(ones, db):
    trainer, one_type, member = ones.trainer(), ones.one_type(horizon_days=3), ones.member()
    for starts_at in (at(WEDNESDAY, 10, 7), at(WEDNESDAY + timedelta(days=7), 10)):
        with pytest.raises(SlotTaken):
            book_slot(trainer.id, one_type.id, starts_at, member, actor=member)
    assert _count(db, ClassSession) == 0


def test_unknown_trainer_or_a_type_that_is_not_one_to_one_looks_missing(ones, db, schedule):
    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member()
    group = schedule.class_type(name="Yoga flow")
    with pytest.raises(NotYours):
        book_slot(trainer.id + 999, one_type.id, at(WEDNESDAY, 10), member, actor=member)
    with pytest.raises(NotYours):
        book_slot(trainer.id, group.id, at(WEDNESDAY, 10), member, actor=member)
    with pytest.raises(NotYours):
        book_slot(trainer.id, 99999, at(WEDNESDAY, 10), member, actor=member)
    assert _count(db, ClassSession) == 0


def test_a_trainer_taking_clients_only_refuses_other_members(ones, db):
    trainer, one_type = ones.trainer(), ones.one_type()
    trainer.one_to_one_audience = "clients"
    db.session.commit()
    stranger, client = ones.member(), ones.member()
    db.session.add(ClientAssignment(member_id=client.id, trainer_id=trainer.id))
    db.session.commit()
    with pytest.raises(AvailabilityError) as refused:
        book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), stranger, actor=stranger)
    assert "from their clients only" in str(refused.value)
    assert _count(db, ClassSession) == 0
    assert book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), client, actor=client)


def test_a_member_without_credits_gets_the_booking_engines_message_and_no_session(ones, db):
    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member(credits=0)
    with pytest.raises(BookingError) as refused:
        book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), member, actor=member)
    assert str(refused.value) == "You need an active membership or 2 credits to book this class."
    assert _count(db, ClassSession) == 0 and _count(db, Hold) == 0


# -- keeping availability -------------------------------------------------------


def _block(actor, trainer, **values):
    values = {
        "weekday": 2,
        "start_time": time(9),
        "end_time": time(12),
        "valid_from": date(2026, 12, 1),
        "valid_until": None,
    } | values
    return save_block(trainer.id, values.pop("block_id", None), actor=actor, **values)


def test_a_trainer_adds_and_changes_their_own_block(ones, db):
    trainer = ones.trainer(blocks=())
    block = _block(trainer.user, trainer)
    _block(trainer.user, trainer, block_id=block.id, end_time=time(14))
    assert db.session.get(AvailabilityBlock, block.id).end_time == time(14)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"end_time": time(8)}, "end_time", "The end must be after the start."),
        ({"end_time": time(9)}, "end_time", "The end must be after the start."),
        ({"weekday": 7}, "weekday", "Choose a weekday."),
        ({"valid_from": date(2026, 11, 1)}, "valid_from", "Choose today or a later date."),
        (
            {"valid_until": date(2026, 12, 10), "valid_from": date(2026, 12, 20)},
            "valid_until",
            "The last day must be on or after the first.",
        ),
        (
            {"valid_from": date(2030, 1, 1)},
            "valid_from",
            "Choose a date within the next two years.",
        ),
        ({"start_time": None}, "start_time", "Enter the start time."),
    ],
)
def test_a_bad_block_is_refused_on_its_field(ones, db, values, field, message):
    trainer = ones.trainer(blocks=())
    with pytest.raises(AvailabilityError) as refused:
        _block(trainer.user, trainer, **values)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert _count(db, AvailabilityBlock) == 0


def test_an_overlapping_block_on_the_same_weekday_is_refused(ones, db):
    trainer = ones.trainer(blocks=())
    _block(trainer.user, trainer)
    with pytest.raises(AvailabilityError) as refused:
        _block(trainer.user, trainer, start_time=time(11), end_time=time(13))
    assert refused.value.field == "start_time"
    assert str(refused.value).startswith("This overlaps the block from 9:00")
    _block(trainer.user, trainer, start_time=time(12), end_time=time(13))  # touching is fine
    _block(trainer.user, trainer, weekday=3)  # another weekday is fine
    assert _count(db, AvailabilityBlock) == 3


def test_blocks_whose_dates_do_not_meet_may_share_hours(ones, db):
    trainer = ones.trainer(blocks=())
    _block(trainer.user, trainer, valid_until=date(2026, 12, 31))
    _block(trainer.user, trainer, valid_from=date(2027, 1, 1))
    assert _count(db, AvailabilityBlock) == 2


def test_another_trainers_block_looks_missing(ones, db):
    mine, theirs = ones.trainer(blocks=()), ones.trainer(blocks=())
    block = _block(theirs.user, theirs)
    with pytest.raises(NotYours):
        _block(mine.user, mine, block_id=block.id, end_time=time(14))
    with pytest.raises(NotYours):
        _block(mine.user, theirs)
    with pytest.raises(NotYours):
        delete_block(block.id, actor=mine.user)
    assert db.session.get(AvailabilityBlock, block.id).end_time == time(12)


def test_an_admin_keeps_any_trainers_availability(ones, db, schedule):
    trainer = ones.trainer(blocks=())
    block = _block(schedule.admin(), trainer)
    delete_block(block.id, actor=schedule.admin())
    assert _count(db, AvailabilityBlock) == 0


def test_shrinking_availability_keeps_booked_sessions_and_lists_them(ones, db):
    trainer, one_type, member = ones.trainer(blocks=()), ones.one_type(), ones.member()
    block = _block(trainer.user, trainer, valid_from=date(2026, 12, 1))
    hold = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), member, actor=member)
    confirm_hold(hold.id, member, actor=member)
    assert booked_outside_availability(trainer.id, NOW, gym_zone()) == []
    _block(trainer.user, trainer, block_id=block.id, start_time=time(10, 30))
    outside = booked_outside_availability(trainer.id, NOW, gym_zone())
    assert [o.session.id for o in outside] == [hold.session_id]
    assert outside[0].member_name == member.name
    assert db.session.get(ClassSession, hold.session_id).status is SessionStatus.PUBLISHED


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "holiday"}, "kind"),
        ({"on_day": date(2026, 11, 30)}, "on_day"),
        ({"kind": "extra", "start_time": None, "end_time": None}, "start_time"),
        ({"start_time": time(10), "end_time": None}, "end_time"),
        ({"start_time": time(10), "end_time": time(9)}, "end_time"),
    ],
)
def test_a_bad_exception_is_refused_on_its_field(ones, db, values, field):
    trainer = ones.trainer()
    values = {"on_day": WEDNESDAY, "kind": "off", "start_time": None, "end_time": None} | values
    with pytest.raises(AvailabilityError) as refused:
        add_exception(trainer.id, actor=trainer.user, **values)
    assert refused.value.field == field


def test_a_day_off_and_extra_hours_change_the_slots(ones, db):
    trainer, one_type = ones.trainer(), ones.one_type()
    add_exception(
        trainer.id, on_day=WEDNESDAY, kind="off", start_time=None, end_time=None, actor=trainer.user
    )
    thursday = WEDNESDAY + timedelta(days=1)
    add_exception(
        trainer.id,
        on_day=thursday,
        kind="extra",
        start_time=time(18),
        end_time=time(19),
        actor=trainer.user,
    )
    assert _free(trainer, one_type) == []
    assert _free(trainer, one_type, thursday) == [at(thursday, 18)]


def test_who_may_book_is_anyone_or_clients_only(ones, db):
    trainer = ones.trainer()
    set_one_to_one_audience(trainer.id, "clients", actor=trainer.user)
    assert trainer.one_to_one_audience == "clients"
    with pytest.raises(AvailabilityError):
        set_one_to_one_audience(trainer.id, "friends", actor=trainer.user)
    other = ones.trainer()
    with pytest.raises(NotYours):
        set_one_to_one_audience(trainer.id, "anyone", actor=other.user)


def test_the_job_cancels_lapsed_and_released_one_to_ones_and_nothing_else(ones, db, clock):
    from app.booking.services.bookings import release_hold
    from app.staff.services.availability import cancel_lapsed_one_to_ones

    trainer, one_type = ones.trainer(), ones.one_type()
    lapsing, releasing, booking, holding = (ones.member() for _ in range(4))
    thursday = WEDNESDAY + timedelta(days=7)
    lapsed = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 9), lapsing, actor=lapsing)
    released = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 11), releasing, actor=releasing)
    release_hold(released.id, releasing, actor=releasing)
    booked = book_slot(trainer.id, one_type.id, at(thursday, 9), booking, actor=booking)
    confirm_hold(booked.id, booking, actor=booking)
    clock(NOW + timedelta(minutes=30))  # the first hold has lapsed
    held = book_slot(trainer.id, one_type.id, at(thursday, 11), holding, actor=holding)

    def status(hold):
        return db.session.get(ClassSession, hold.session_id, populate_existing=True).status

    # the 11:00 booking on Thursday cancelled this trainer's leftovers already
    assert (status(lapsed), status(released)) == (SessionStatus.CANCELLED,) * 2
    assert cancel_lapsed_one_to_ones() == 0
    clock(NOW + timedelta(hours=2))  # now the Thursday hold lapses too
    assert cancel_lapsed_one_to_ones() == 1
    assert status(held) is SessionStatus.CANCELLED
    assert status(booked) is SessionStatus.PUBLISHED
    assert cancel_lapsed_one_to_ones() == 0


def test_clients_are_assigned_members_and_members_with_a_one_to_one_not_cancelled(ones, db):
    from app.booking.services.bookings import cancel_booking

    trainer, other, one_type = ones.trainer(), ones.trainer(), ones.one_type()
    assigned, booked, cancelled, stranger = (ones.member() for _ in range(4))
    db.session.add(ClientAssignment(member_id=assigned.id, trainer_id=trainer.id))
    db.session.commit()
    hold = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 9), booked, actor=booked)
    confirm_hold(hold.id, booked, actor=booked)
    hold = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 11), cancelled, actor=cancelled)
    cancel_booking(confirm_hold(hold.id, cancelled, actor=cancelled).id, cancelled, actor=cancelled)
    assert [is_client(trainer.id, m.id) for m in (assigned, booked, cancelled, stranger)] == [
        True,
        True,
        False,
        False,
    ]
    assert not is_client(other.id, booked.id)


def test_slots_follow_the_gyms_wall_clock_on_a_spring_forward_day(ones, db, schedule, clock):
    from datetime import UTC, datetime

    schedule.zone("Europe/Madrid")  # 29 March 2026: 2:00 becomes 3:00
    clock(datetime(2026, 3, 27, 10, tzinfo=UTC))
    trainer = ones.trainer(blocks=())
    ones.block(trainer, 6, time(1), time(4), valid_from=date(2026, 3, 1))
    one_type = ones.one_type()
    sunday = date(2026, 3, 29)
    free = free_slots_for(
        trainer.id, one_type, [sunday], datetime(2026, 3, 27, 10, tzinfo=UTC), gym_zone()
    )[sunday]
    assert [s.astimezone(gym_zone()).strftime("%H:%M") for s in free] == [
        "01:00",
        "01:15",
        "01:30",
        "01:45",
        "03:00",
    ]
    member = ones.member()
    hold = book_slot(trainer.id, one_type.id, free[-1], member, actor=member)
    session = db.session.get(ClassSession, hold.session_id)
    assert session.occurs_on == sunday and session.starts_at == datetime(2026, 3, 29, 1, tzinfo=UTC)


def test_a_1to1_session_cannot_be_taken_by_its_id_only_through_the_free_times(ones):
    """A member who posts a 1:1 session's id to the generic hold, one-tap
    booking or waitlist is refused: the clients-only rule is checked by
    book_slot alone."""
    from sqlalchemy import func, select

    from app.booking.models import Booking, Hold, WaitlistEntry
    from app.booking.rules import BookingError
    from app.booking.services.bookings import book_now, place_hold
    from app.booking.services.waitlist import join_waitlist
    from app.scheduling.services.sessions import create_session

    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member()
    cs = create_session(
        {"class_type_id": one_type.id, "trainer_id": trainer.id, "starts_at": at(WEDNESDAY, 10)},
        actor=ones.schedule.admin(),
    )

    for attempt in (place_hold, book_now, join_waitlist):
        with pytest.raises(BookingError, match="free times"):
            attempt(cs.id, member, actor=member)
    for model in (Hold, Booking, WaitlistEntry):
        assert ones.db.session.scalar(select(func.count()).select_from(model)) == 0
