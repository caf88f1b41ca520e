"""Confirmation, change and cancellation emails through a real SMTP server:
each carries the booking's calendar file (one UID per booking, SEQUENCE
raised on each change, METHOD:CANCEL when it is off), and change notices
say what happens to each person's place."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from app.booking.services.bookings import book_now, cancel_booking
from app.booking.services.waitlist import join_waitlist
from app.scheduling.services.sessions import cancel_session, reschedule_session, update_session
from tests.booking.conftest import NOW, Booker


@pytest.fixture
def booker(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    return Booker(db, factories, schedule)


def _mail_to(smtp, user):
    return [message for to, message in smtp.messages if to == [user.email]]


def _ics(message):
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "class.ics"
    calendar = Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    return calendar, event


def _text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_the_calendar_file_keeps_its_uid_raises_its_sequence_and_cancels(
    booker, db, smtp, schedule
):
    member = booker.member(credits=3, language="en")
    cs = booker.session(starts_in=timedelta(days=3))
    booking = book_now(cs.id, member, actor=member)
    new_start = NOW + timedelta(days=4)
    reschedule_session(cs.id, new_start, "Floor works", actor=schedule.admin())
    cancel_booking(booking.id, member, actor=member)

    confirmed, moved, cancelled = _mail_to(smtp, member)
    files = [_ics(message) for message in (confirmed, moved, cancelled)]
    uids = {str(event["uid"]) for _calendar, event in files}
    assert uids == {f"booking-{booking.id}@127.0.0.1"}
    assert [int(event["sequence"]) for _c, event in files] == [0, 1, 2]
    assert [str(calendar["method"]) for calendar, _e in files] == ["PUBLISH", "PUBLISH", "CANCEL"]
    assert files[1][1].decoded("dtstart") == new_start
    assert str(files[2][1]["status"]) == "CANCELLED"
    assert "Floor works" in _text(moved) and "no late-cancellation strike" in _text(moved)


def test_a_cancelled_class_cancels_the_calendar_event_and_says_what_happens_to_each_place(
    booker, db, smtp, schedule
):
    booked, waiting = booker.member(credits=3, language="en"), booker.member(credits=3)
    cs = booker.session(starts_in=timedelta(days=2), capacity=1)
    booking = book_now(cs.id, booked, actor=booked)
    join_waitlist(cs.id, waiting, actor=waiting)
    smtp.messages.clear()

    cancel_session(cs.id, "Power cut", actor=schedule.admin())

    [to_booked] = _mail_to(smtp, booked)
    calendar, event = _ics(to_booked)
    assert str(calendar["method"]) == "CANCEL" and int(event["sequence"]) == 1
    assert str(event["uid"]) == f"booking-{booking.id}@127.0.0.1"
    assert "credits it used are back in your balance" in _text(to_booked)
    [to_waiting] = _mail_to(smtp, waiting)
    assert "Its waitlist is closed." in _text(to_waiting)
    assert not [p for p in to_waiting.iter_attachments() if p.get_content_type() == "text/calendar"]
    trainer = db.session.get(type(cs), cs.id).trainer.user
    [to_trainer] = _mail_to(smtp, trainer)
    assert "Power cut" in _text(to_trainer) and "cancelled" in _text(to_trainer)


def test_a_new_trainer_is_told_to_both_trainers_and_lets_members_cancel_free(
    booker, db, smtp, schedule
):
    member = booker.member(credits=3, language="en")
    cs = booker.session(starts_in=timedelta(hours=5))  # already in the late tier
    book_now(cs.id, member, actor=member)
    old = cs.trainer
    new = schedule.trainer(name="Diego Ruiz")
    smtp.messages.clear()

    update_session(
        cs.id,
        {
            "trainer_id": new.id,
            "room_id": cs.room_id,
            "capacity": cs.capacity,
            "starts_at": cs.starts_at,
            "ends_at": cs.ends_at,
            "reason": "Carla is ill",
        },
        actor=schedule.admin(),
    )

    [notice] = _mail_to(smtp, member)
    assert "a change to your class" in notice["Subject"]
    text = _text(notice)
    assert f"{old.name} → {new.name}" in text and "/bookings/cancel/" in text
    assert int(_ics(notice)[1]["sequence"]) == 1
    [to_old] = _mail_to(smtp, old.user)
    [to_new] = _mail_to(smtp, new.user)
    assert f"{new.name} teaches it now" in _text(to_old)
    assert f"instead of {old.name}" in _text(to_new)
