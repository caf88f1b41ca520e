"""Reminders before a class, read from a real SMTP server (tests/smtp.py):
each sent once per class start, dropped once the class began, and their
"Can't make it?" link, which cancels under the policy without signing in."""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from app.booking.links import cancel_token
from app.booking.models import Booking, BookingReminder, BookingStatus, Strike
from app.booking.services.bookings import book_now
from app.booking.services.reminders import send_reminders
from app.core.db import transaction
from app.core.jobs import OutboxJob, run_outbox_job
from app.memberships import ledger
from app.notifications.models import NotificationSettings
from app.scheduling.services.sessions import reschedule_session
from tests.accounts.support import page_text
from tests.booking.conftest import NOW, Booker
from tests.conftest import csrf_token

LINK = re.compile(r"https?://[^\s\"<>]+/bookings/cancel/[\w.\-]+")


@pytest.fixture
def booker(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    return Booker(db, factories, schedule)


def _booked(booker, *, starts_in, credits=1, language="es", booked_ago=timedelta(days=3)):
    """A member who booked a class `booked_ago` (so its reminders are due)."""
    member = booker.member(credits=3, language=language)
    cs = booker.session(starts_in=starts_in, credits=credits)
    booking = book_now(cs.id, member, actor=member)
    with transaction():
        booker.db.session.get(Booking, booking.id).booked_at = NOW - booked_ago
    return member, cs, booking


def _bodies(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_the_day_before_reminder_is_sent_once_in_the_members_language_with_the_link(
    booker, db, smtp
):
    member, cs, booking = _booked(booker, starts_in=timedelta(hours=20))
    smtp.messages.clear()  # the confirmation

    assert send_reminders() == 1
    assert send_reminders() == 0  # a second run finds it recorded

    [(recipients, message)] = smtp.messages
    assert recipients == [member.email]
    assert "recordatorio" in message["Subject"].lower()
    text, html = _bodies(message)
    assert cs.class_type.name in text and cs.class_type.name in html
    [link] = set(LINK.findall(text))
    assert link in html and link.endswith(cancel_token(booking.id))
    assert "¿No puedes venir?" in html
    [record] = db.session.scalars(select(BookingReminder)).all()
    assert (record.booking_id, record.kind.value, record.starts_at) == (
        booking.id,
        "24h",
        cs.starts_at,
    )


def test_the_hour_before_reminder_goes_by_email_without_a_push_device(booker, db, smtp, clock):
    member, cs, booking = _booked(booker, starts_in=timedelta(minutes=50))
    smtp.messages.clear()

    assert send_reminders() == 1

    [(recipients, message)] = smtp.messages
    assert recipients == [member.email] and "pronto" in message["Subject"].lower()
    assert LINK.search(_bodies(message)[0])
    kinds = db.session.scalars(select(BookingReminder.kind)).all()
    assert [kind.value for kind in kinds] == ["1h"]


def test_a_moved_class_gets_a_fresh_reminder(booker, db, smtp, schedule):
    member, cs, booking = _booked(booker, starts_in=timedelta(hours=20))
    send_reminders()
    reschedule_session(cs.id, NOW + timedelta(hours=22), "Room repairs", actor=schedule.admin())
    smtp.messages.clear()

    assert send_reminders() == 1
    assert send_reminders() == 0

    starts = db.session.scalars(select(BookingReminder.starts_at).order_by(BookingReminder.id))
    assert list(starts) == [NOW + timedelta(hours=20), NOW + timedelta(hours=22)]
    [(recipients, _message)] = smtp.messages
    assert recipients == [member.email]


def test_a_booking_made_after_its_reminder_was_due_gets_none(booker, db, smtp):
    _booked(booker, starts_in=timedelta(hours=20), booked_ago=timedelta(hours=1))
    smtp.messages.clear()

    assert send_reminders() == 0
    assert send_reminders() == 0

    [record] = db.session.scalars(select(BookingReminder)).all()
    assert record.was_sent is False and smtp.messages == []


def test_a_reminder_held_past_the_start_of_its_class_is_dropped(booker, db, smtp, clock):
    member, cs, booking = _booked(booker, starts_in=timedelta(minutes=50))
    with transaction():  # 8:00-10:00 in the gym: the email waits until 10:00, after the start
        db.session.add(
            NotificationSettings(
                user_id=member.id, choices={}, quiet_from=time(8), quiet_until=time(10)
            )
        )
    smtp.messages.clear()

    send_reminders()
    [held] = db.session.scalars(select(OutboxJob).where(OutboxJob.run_after.is_not(None))).all()
    clock(NOW + timedelta(hours=1))
    run_outbox_job(held.id)

    assert smtp.messages == []


def _link(booking) -> str:
    return f"/bookings/cancel/{cancel_token(booking.id)}"


def test_opening_the_link_changes_nothing_and_states_the_cost(booker, app, db, smtp):
    member, cs, booking = _booked(booker, starts_in=timedelta(hours=18), language="en")
    client = app.test_client()  # signed out

    for _ in range(2):  # a mail scanner, then the member
        page = client.get(_link(booking))
        assert page.status_code == 200

    text = page_text(page)
    assert "Can't make it?" in text and cs.class_type.name in text
    assert "You get 0.5 of your 1 credit back and lose 0.5." in text
    assert db.session.get(Booking, booking.id, populate_existing=True).is_active


def test_cancelling_through_the_link_refunds_by_the_tier_and_the_link_is_then_used(
    booker, app, db, smtp
):
    member, cs, booking = _booked(booker, starts_in=timedelta(hours=18), language="en")
    client = app.test_client()
    token = csrf_token(client, _link(booking))

    done = client.post(_link(booking), data={"csrf_token": token})

    assert done.status_code == 200
    assert "0.5 of your 1 credit is back in your balance; you lost 0.5." in page_text(done)
    saved = db.session.get(Booking, booking.id, populate_existing=True)
    assert (saved.status, saved.refunded_cc) == (BookingStatus.CANCELLED, 50)
    assert ledger.balance(member.id) == 250
    again = client.get(_link(booking))
    assert again.status_code == 200 and "This booking is already cancelled." in page_text(again)
    twice = client.post(_link(booking), data={"csrf_token": token})
    assert "This booking is already cancelled." in page_text(twice)
    assert ledger.balance(member.id) == 250


def test_a_link_posted_without_the_form_token_cancels_nothing(booker, app, db):
    _member, _cs, booking = _booked(booker, starts_in=timedelta(hours=18), language="en")
    response = app.test_client().post(_link(booking))
    assert response.status_code == 400
    assert db.session.get(Booking, booking.id, populate_existing=True).is_active


def test_an_altered_link_gets_a_page_that_says_so(booker, app, db):
    _member, _cs, booking = _booked(booker, starts_in=timedelta(hours=18), language="en")
    altered = _link(booking)[:-3] + "xyz"

    client = app.test_client()
    client.set_cookie("cupo_lang", "en")
    page = client.get(altered)

    assert page.status_code == 404
    assert "This link is not valid" in page_text(page) and "<html" in page.get_data(as_text=True)


def test_a_late_link_says_the_class_has_started(booker, app, db, clock):
    _member, _cs, booking = _booked(booker, starts_in=timedelta(hours=2), language="en")
    clock(NOW + timedelta(hours=2, minutes=1))
    client = app.test_client()

    page = client.get(_link(booking))
    posted = client.post(_link(booking), data={"csrf_token": csrf_token(client, _link(booking))})

    assert page.status_code == 200 and "This class has already started." in page_text(page)
    assert "This class has already started." in page_text(posted)
    assert db.session.get(Booking, booking.id, populate_existing=True).is_active


def test_after_a_reschedule_the_free_cancel_refunds_all_without_a_strike_even_late(
    booker, app, db, smtp, schedule, clock
):
    member, cs, booking = _booked(booker, starts_in=timedelta(hours=30), language="en")
    reschedule_session(cs.id, NOW + timedelta(hours=6), "Trainer swap", actor=schedule.admin())
    notice = next(
        m for to, m in smtp.messages if to == [member.email] and "new time" in m["Subject"]
    )
    text, html = _bodies(notice)
    [link] = set(LINK.findall(text))
    assert link in html and "no late-cancellation strike" in text
    path = link[link.index("/bookings/cancel/") :]
    saved = db.session.get(Booking, booking.id, populate_existing=True)
    assert (saved.free_cancel_until, saved.ics_sequence) == (NOW + timedelta(hours=6), 1)
    clock(NOW + timedelta(hours=4))  # 2 hours ahead: the late tier
    client = app.test_client()

    shown = page_text(client.get(path))
    done = client.post(path, data={"csrf_token": csrf_token(client, path)})

    assert "The class changed since you booked, so cancelling is free." in shown
    assert "You get your 1 credit back. It doesn't count as a late cancellation." in shown
    saved = db.session.get(Booking, booking.id, populate_existing=True)
    assert (saved.status, saved.refunded_cc) == (BookingStatus.CANCELLED, 100)
    assert db.session.scalar(select(func.count(Strike.id))) == 0
    assert "1 credit is back in your balance." in page_text(done)
