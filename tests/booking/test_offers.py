"""A spot the waitlist offers a member is the first card on their home and
bookings, with its countdown and the button to take it; the place it came
from is not listed again as "Waitlist #1"."""

from datetime import timedelta

import pytest

from app.booking.models import BookingStatus, HoldStatus, WaitlistStatus
from app.booking.services.bookings import book_now, cancel_booking
from app.booking.services.waitlist import join_waitlist
from tests.accounts.support import page_text
from tests.booking.conftest import NOW
from tests.booking.member_support import act, bookings, entries, holds, said


@pytest.fixture
def offered(booker, login):
    """(class session, member offered its spot, member who was behind them)."""
    cs = booker.session(capacity=1)
    first, member, behind = (booker.member(credits=1) for _ in range(3))
    booking = book_now(cs.id, first, actor=first)
    join_waitlist(cs.id, member, actor=member)
    join_waitlist(cs.id, behind, actor=behind)
    cancel_booking(booking.id, first, actor=first)  # promotion runs inline after commit
    login(member)
    return cs, member, behind


def test_the_offer_is_the_first_card_of_my_bookings_with_its_countdown(offered, client, db):
    cs, member, _ = offered
    [offer] = holds(db, member)

    text = page_text(client.get("/app/bookings"))

    first_card = text.index('class="card')
    assert text.index('id="my-offers"') < first_card < text.index('id="balance-summary"')
    offers = text[text.index('id="my-offers"') : text.index('id="balance-summary"')]
    assert "Your waitlist spot is held until 9:05\u202fAM" in offers
    assert 'role="timer" data-expires-at="2026-12-01T15:05:00+00:00"' in offers
    assert "5 minutes left" in offers
    assert f'action="/app/holds/{offer.id}/confirm"' in offers
    assert "Waitlist #" not in text and 'id="my-waitlist"' not in text


def test_the_offer_is_the_first_card_of_the_home(offered, client):
    cs, member, _ = offered

    text = page_text(client.get("/app/"))

    assert "data-offer" in text
    assert text.index("data-offer") < text.index('id="no-next-class"')
    assert text.index("data-offer") < text.index('class="card card-link')
    assert "5 minutes left" in text and "9:05\u202fAM" in text
    assert cs.class_type.name in text


def test_the_countdown_says_the_minutes_left_as_they_run(offered, client, clock):
    clock(NOW + timedelta(minutes=4, seconds=30))

    text = page_text(client.get("/app/"))

    assert "1 minute left" in text


def test_the_member_behind_still_sees_their_place(offered, client, login):
    _, _, behind = offered
    login(behind)

    text = page_text(client.get("/app/bookings"))

    assert 'id="my-offers"' not in text
    assert "Waitlist #2" in text


def test_taking_the_offer_from_the_home_books_the_spot(offered, client, db):
    cs, member, _ = offered
    [offer] = holds(db, member)

    response = act(client, f"/app/holds/{offer.id}/confirm", next="/app/")

    assert said(response) == ["You're in. See you there!"]
    assert [b.session_id for b in bookings(db, member)] == [cs.id]
    assert "data-offer" not in page_text(client.get("/app/"))


def test_declining_the_offer_passes_it_to_the_next_member(offered, client, db):
    cs, member, behind = offered
    [entry] = entries(db, member)

    response = act(client, f"/app/waitlist/{entry.id}/leave")

    assert said(response) == ["You left the waitlist."]
    assert entries(db, member)[0].status is WaitlistStatus.LEFT
    assert holds(db, member) == []
    assert [h.session_id for h in holds(db, behind)] == [cs.id]
    assert holds(db, member, HoldStatus.RELEASED)[0].is_priority


def test_an_offer_that_ran_out_is_gone_from_both_pages(offered, client, clock, db):
    _, member, _ = offered
    clock(NOW + timedelta(minutes=6))

    home, mine = page_text(client.get("/app/")), page_text(client.get("/app/bookings"))

    assert "data-offer" not in home and 'id="my-offers"' not in mine
    assert bookings(db, member, BookingStatus.CONFIRMED) == []


def test_another_members_offer_cannot_be_taken(offered, client, login, booker, db):
    _, member, _ = offered
    [offer] = holds(db, member)
    login(booker.member(credits=1))

    response = act(client, f"/app/holds/{offer.id}/confirm", follow=False)

    assert response.status_code == 404
    assert bookings(db, member) == []


def test_releasing_the_offer_from_the_class_card_ends_the_place_in_line(offered, client, db):
    cs, member, behind = offered
    [offer] = holds(db, member)

    response = act(client, f"/app/holds/{offer.id}/release")

    assert said(response) == ["You gave the spot back."]
    assert entries(db, member)[0].status is WaitlistStatus.LEFT
    assert [h.session_id for h in holds(db, behind)] == [cs.id]
    assert "Waitlist #" not in page_text(client.get("/app/bookings"))


def test_the_offers_cost_one_query_however_many(offered, booker, client, db):
    from app.booking.queries.member import waitlist_offers
    from tests.booking.conftest import NOW as now
    from tests.queries import counting_statements

    _, member, _ = offered
    db.session.expire_all()
    with counting_statements(db.engine) as one:
        [offer] = waitlist_offers(member.id, now)
        names = [offer.session.class_type.name, offer.session.trainer.name, offer.session.room.name]

    assert [s.split()[0] for s in one if not s.startswith("SAVEPOINT")] == ["SELECT"]
    assert all(names)
