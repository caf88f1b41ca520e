"""The schedule's session cards are kept rendered per process and state
(app/portals/schedule_cards.py): a kept card is the card a fresh render
would give, never staler, and never carries another page's idempotency keys
or another member's state."""

import re
from datetime import timedelta

import pytest

from app.booking.services.bookings import book_now, cancel_booking, place_hold
from app.portals.schedule_cards import clear_cards
from tests.booking.conftest import NOW
from tests.booking.member_support import act, card_actions, card_state
from tests.queries import counting_statements

DAY = "/app/schedule?date=2026-12-03"  # Thursday: booker.session() starts at 9:00
KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


@pytest.fixture
def member(booker, login):
    member = booker.member(credits=3)
    login(member)
    return member


def spots_said(response, session_id: int) -> str:
    page = response.get_data(as_text=True)
    card = page[page.index(f'id="session-{session_id}-name"') :]
    return re.search(r'<div class="session-card-status">(.*?)</div>', card, re.S).group(1)


def test_a_kept_card_is_the_card_a_fresh_render_gives(booker, member, client, app):
    booker.session()
    booker.session(starts_in=timedelta(days=2, hours=3), capacity=1)
    with app.app_context():
        clear_cards()
    fresh = client.get(DAY).get_data(as_text=True)
    kept = client.get(DAY).get_data(as_text=True)

    assert without_keys(kept) == without_keys(fresh)


def test_a_booking_by_someone_else_changes_the_spots_left_at_once(booker, member, client):
    cs = booker.session(capacity=3)
    assert "3 spots left" in spots_said(client.get(DAY), cs.id)

    other = booker.member(credits=1)
    book_now(cs.id, other, actor=other)
    assert "2 spots left" in spots_said(client.get(DAY), cs.id)

    holder = booker.member(credits=1)
    hold = place_hold(cs.id, holder, actor=holder)
    assert "1 spot left" in spots_said(client.get(DAY), cs.id)
    assert hold is not None


def test_the_members_own_booking_and_its_cancellation_show_at_once(booker, member, client):
    cs = booker.session()
    assert card_state(client.get(DAY), cs.id) == "open"

    booking = book_now(cs.id, member, actor=member)
    assert card_state(client.get(DAY), cs.id) == "booked"

    cancel_booking(booking.id, member, actor=member)
    again = client.get(DAY)
    assert card_state(again, cs.id) == "open"
    assert "5 spots left" in spots_said(again, cs.id)


def test_a_members_state_is_never_shown_to_another_member(booker, member, client, login):
    cs = booker.session()
    book_now(cs.id, member, actor=member)
    assert card_state(client.get(DAY), cs.id) == "booked"

    login(booker.member(credits=3))
    response = client.get(DAY)

    assert card_state(response, cs.id) == "open"
    assert "4 spots left" in spots_said(response, cs.id)


def test_every_button_of_every_page_gets_its_own_idempotency_key(booker, member, client):
    ids = [booker.session(starts_in=timedelta(days=2, hours=h)).id for h in range(3)]

    pages = [client.get(DAY) for _ in range(3)]

    keys = [
        key for page in pages for cs_id in ids for key in KEY.findall(card_actions(page, cs_id))
    ]
    assert len(keys) == 3 * 3 * 2  # Book and Hold on every card of every page
    assert len(set(keys)) == len(keys)


def test_a_kept_cards_key_books_once_and_the_next_page_books_again(booker, member, client):
    """A rebooking after a cancel is not answered with the first booking's stored result."""
    cs = booker.session()
    client.get(DAY)  # the card is now kept
    first = KEY.findall(card_actions(client.get(DAY), cs.id))[1]  # Book's key
    act(client, f"/app/sessions/{cs.id}/book", key=first)
    booked = card_actions(client.get(DAY), cs.id)
    booking_id = int(re.search(r"/app/bookings/(\d+)/cancel", booked).group(1))
    cancel_booking(booking_id, member, actor=member)

    second = KEY.findall(card_actions(client.get(DAY), cs.id))[1]
    assert second != first
    act(client, f"/app/sessions/{cs.id}/book", key=second)
    assert card_state(client.get(DAY), cs.id) == "booked"


def test_each_language_gets_its_own_card(booker, member, client, login):
    cs = booker.session()
    assert "5 spots left" in spots_said(client.get(DAY), cs.id)

    login(booker.member(credits=3, language="es"))
    assert "Quedan 5 lugares" in spots_said(client.get(DAY), cs.id)


def test_kept_cards_keep_the_week_views_statements_constant(booker, member, client, db):
    for hours in range(3):
        booker.session(starts_in=timedelta(days=2, hours=hours))
    client.get(DAY)
    with counting_statements(db.engine) as rendered:
        client.get(DAY)
    for hours in range(3, 12):
        booker.session(starts_in=timedelta(days=2, hours=hours))
    with counting_statements(db.engine) as busier:
        client.get(DAY)
    assert len(busier) == len(rendered)


def without_keys(page: str) -> str:
    page = KEY.sub('name="idempotency_key" value=""', page)
    return re.sub(r'(csrf-token" content=|name="csrf_token" value=)"[^"]*"', r"\1", page)


def test_a_class_that_starts_is_shown_in_progress_not_from_the_kept_card(
    booker, member, client, clock
):
    cs = booker.session()
    assert card_state(client.get(DAY), cs.id) == "open"

    clock(NOW + timedelta(days=2, minutes=10))
    response = client.get(DAY)

    assert card_state(response, cs.id) is None  # no buttons on a class under way
    assert "In progress" in spots_said(response, cs.id)
