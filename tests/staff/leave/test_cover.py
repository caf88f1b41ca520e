"""The cover plan: substitutes (checked again on save), cancelling through the
timetable, the members told the new trainer's name, and the 07:00 digest."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.booking.models import Booking, BookingStatus
from app.notifications.models import Notification
from app.scheduling.models import ClassSession, SessionStatus
from app.scheduling.rules import SchedulingError
from app.staff.models import Cover
from app.staff.queries.leave import cover_plan, sessions_needing_cover
from app.staff.services.cover import CoverError, cancel_for_leave, send_uncovered_digest, substitute
from tests.staff.leave.conftest import NOW, TODAY, at

AWAY = TODAY + timedelta(days=2)  # Thursday 3 Dec


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def plan(gym):
    carla = gym.trainer(name="Carla Méndez", specialties=["yoga"])
    yoga = gym.session(carla, starts_at=at(AWAY, 10), tags=["yoga"])
    spin = gym.session(carla, starts_at=at(AWAY, 18))
    leave = gym.leave(carla, AWAY, approve=True)
    return carla, leave, yoga, spin


def test_a_substitute_keeps_the_bookings_and_members_hear_the_new_trainers_name(
    gym, db, smtp, plan
):
    carla, leave, yoga, _spin = plan
    member = gym.booked_member(yoga, email="ines@example.com")
    diego = gym.trainer(name="Diego Ramírez")
    smtp.messages.clear()

    [cover] = substitute(leave.id, [yoga.id], diego.id, actor=gym.admin())

    cs = db.session.get(ClassSession, yoga.id, populate_existing=True)
    assert cs.trainer_id == diego.id
    assert (cover.absent_trainer_id, cover.substitute_id, cover.leave_id) == (
        carla.id,
        diego.id,
        leave.id,
    )
    booking = db.session.scalar(select(Booking).where(Booking.member_id == member.id))
    assert booking.status is BookingStatus.CONFIRMED
    assert booking.free_cancel_until == cs.starts_at
    to_member = [m for to, m in smtp.messages if to == ["ines@example.com"]]
    assert len(to_member) == 1
    text = _text(to_member[0])
    assert "Trainer: Carla Méndez → Diego Ramírez" in text
    assert "you can cancel until the class starts with every credit back" in text


def test_a_busy_substitute_is_refused_naming_the_other_class(gym, db, plan):
    _carla, leave, yoga, _spin = plan
    diego = gym.trainer(name="Diego Ramírez")
    other_room = gym.schedule.room(name="Studio B")
    busy = gym.session(diego, starts_at=at(AWAY, 10) + timedelta(minutes=30), room=other_room)
    with pytest.raises(SchedulingError) as refused:
        substitute(leave.id, [yoga.id], diego.id, actor=gym.admin())
    assert str(refused.value) == (
        f"Diego Ramírez already teaches {busy.class_type.name} on "
        "Thu 3 Dec, 10:30\u202fAM–11:30\u202fAM."
    )
    assert db.session.get(ClassSession, yoga.id, populate_existing=True).trainer_id != diego.id
    assert db.session.scalar(select(func.count(Cover.id))) == 0


def test_bulk_substitution_is_all_or_nothing(gym, db, plan):
    _carla, leave, yoga, spin = plan
    diego = gym.trainer(name="Diego Ramírez")
    gym.session(diego, starts_at=at(AWAY, 18), room=gym.schedule.room())
    with pytest.raises(SchedulingError, match="Diego Ramírez already teaches"):
        substitute(leave.id, [yoga.id, spin.id], diego.id, actor=gym.admin())
    assert db.session.scalar(select(func.count(Cover.id))) == 0
    assert db.session.get(ClassSession, yoga.id, populate_existing=True).trainer_id != diego.id


def test_a_substitute_on_leave_is_refused(gym, db, plan):
    _carla, leave, yoga, _spin = plan
    diego = gym.trainer(name="Diego Ramírez")
    gym.leave(diego, AWAY, approve=True)
    with pytest.raises(SchedulingError, match="Diego Ramírez is away then"):
        substitute(leave.id, [yoga.id], diego.id, actor=gym.admin())


@pytest.mark.parametrize("bad", [None, "x", -1, 10**9])
def test_an_unknown_substitute_or_class_is_refused(gym, db, plan, bad):
    _carla, leave, yoga, _spin = plan
    with pytest.raises(CoverError):
        substitute(leave.id, [yoga.id], bad, actor=gym.admin())
    diego = gym.trainer()
    with pytest.raises(CoverError):
        substitute(leave.id, [bad], diego.id, actor=gym.admin())


def test_a_class_outside_the_leave_is_not_in_its_plan(gym, db, plan):
    carla, leave, _yoga, _spin = plan
    later = gym.session(carla, starts_at=at(AWAY + timedelta(days=1), 10))
    with pytest.raises(CoverError, match="not one this leave needs covered"):
        substitute(leave.id, [later.id], gym.trainer().id, actor=gym.admin())


def test_cancelling_from_the_plan_refunds_through_the_timetable(gym, db, smtp, plan):
    _carla, leave, _yoga, spin = plan
    member = gym.booked_member(spin, email="pablo@example.com")
    with pytest.raises(SchedulingError, match="Give a reason"):
        cancel_for_leave(leave.id, [spin.id], "", actor=gym.admin())
    assert cancel_for_leave(leave.id, [spin.id], "Trainer away", actor=gym.admin()) == 1
    assert db.session.get(ClassSession, spin.id, populate_existing=True).status is (
        SessionStatus.CANCELLED
    )
    booking = db.session.scalar(select(Booking).where(Booking.member_id == member.id))
    assert booking.status is BookingStatus.CANCELLED
    assert any(
        to == ["pablo@example.com"] and "cancelled" in m["Subject"] for to, m in smtp.messages
    )


def test_the_plan_lists_bookings_covers_and_free_matching_substitutes_first(gym, db, plan):
    carla, leave, yoga, spin = plan
    gym.booked_member(yoga, name="Inés")
    zoe = gym.trainer(name="Zoe", specialties=["yoga"])
    gym.trainer(name="Adam")
    busy = gym.trainer(name="Busy")
    gym.session(busy, starts_at=at(AWAY, 10), room=gym.schedule.room())
    away = gym.trainer(name="Away")
    gym.leave(away, AWAY, approve=True)

    rows = {row.session.id: row for row in cover_plan(leave)}
    assert [b.member.name for b in rows[yoga.id].bookings] == ["Inés"]
    assert [t.name for t in rows[yoga.id].candidates] == ["Zoe", "Adam"]
    assert [t.name for t in rows[spin.id].candidates] == ["Adam", "Busy", "Zoe"]

    substitute(leave.id, [yoga.id], zoe.id, actor=gym.admin())
    rows = {row.session.id: row for row in cover_plan(leave)}
    assert rows[yoga.id].cover.substitute.name == "Zoe"
    assert not rows[yoga.id].needs_cover and rows[spin.id].needs_cover
    assert carla.id not in {t.id for t in rows[spin.id].candidates}


def test_sessions_needing_cover_are_those_within_72_hours_of_trainers_on_leave(gym, db, plan):
    carla, leave, yoga, spin = plan
    far = gym.trainer(name="Far")
    gym.session(far, starts_at=at(TODAY + timedelta(days=5), 10))
    gym.leave(far, TODAY + timedelta(days=5), approve=True)
    assert [cs.id for cs in sessions_needing_cover()] == [yoga.id, spin.id]
    assert [cs.id for cs in sessions_needing_cover(carla.id)] == [yoga.id, spin.id]
    assert sessions_needing_cover(far.id) == []
    substitute(leave.id, [yoga.id], gym.trainer().id, actor=gym.admin())
    assert [cs.id for cs in sessions_needing_cover()] == [spin.id]


def _digests(db) -> list:
    return db.session.scalars(
        select(Notification).where(Notification.event == "uncovered_sessions")
    ).all()


def test_the_digest_goes_out_from_7_once_a_day(gym, db, smtp, clock, plan):
    admin = gym.admin()
    admin.email = "ana@example.com"
    db.session.commit()
    clock(at(TODAY, 6, 59))
    assert send_uncovered_digest() == 0
    assert _digests(db) == []

    clock(at(TODAY, 7, 5))
    assert send_uncovered_digest() == 2
    clock(at(TODAY, 9, 5))
    assert send_uncovered_digest() == 2  # listed again, written once
    assert len(_digests(db)) == 1
    [(to, message)] = [(to, m) for to, m in smtp.messages if to == ["ana@example.com"]]
    assert "classes that need a substitute" in message["Subject"]
    text = _text(message)
    assert "These classes in the next 72 hours have their trainer on leave" in text
    assert "Thu 3 Dec, 10:00\u202fAM" in text and "(Carla Méndez)" in text


def test_no_digest_when_everything_is_covered(gym, db, clock):
    gym.admin()
    clock(NOW)
    assert send_uncovered_digest() == 0
    assert _digests(db) == []
