"""What a member is told about their own bookings, as their mail server
receives it: the confirmation, and a cancellation with what it cost, in the
words of the cancel page."""

from datetime import timedelta

from flask import g
from sqlalchemy import select

from app.booking.services.bookings import book_now, cancel_booking
from app.notifications.models import Notification
from app.settings.models import DEFAULTS, GymSettings


def _rules(db, **values):
    settings = db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
    for name, value in values.items():
        setattr(settings, name, value)
    db.session.add(settings)
    db.session.commit()
    g.pop("gym_settings", None)


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _events(db, member) -> list[str]:
    query = select(Notification.event).where(Notification.user_id == member.id)
    return list(db.session.scalars(query.order_by(Notification.id)))


def test_booking_and_an_early_cancel_are_confirmed_with_the_credit_back(booker, db, smtp):
    member = booker.member(credits=3, email="early@example.com")
    booking = book_now(booker.session().id, member, actor=member)
    cancel_booking(booking.id, member, actor=member)

    confirmed, cancelled = smtp.messages
    assert confirmed[0] == cancelled[0] == ["early@example.com"]
    assert "booked" in confirmed[1]["Subject"]
    assert "cancelled" in cancelled[1]["Subject"]
    assert "1 credit is back in your balance." in _text(cancelled[1])
    assert _events(db, member) == ["booking_confirmed", "booking_cancelled"]


def test_a_late_cancel_says_the_credit_is_lost_and_counts_a_strike_in_spanish(booker, db, smtp):
    _rules(db, strike_limit=3, strike_block_days=7)
    member = booker.member(credits=3, email="tarde@example.com", language="es")
    cs = booker.session(starts_in=timedelta(hours=2))
    booking = book_now(cs.id, member, actor=member)
    cancel_booking(booking.id, member, actor=member)

    text = _text(smtp.messages[-1][1])
    assert "Perdiste 1 crédito." in text
    assert "falta 1 de 3" in text
