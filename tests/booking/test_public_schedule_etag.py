"""The public timetable answers a browser that already has it with 304, and
never with a copy whose spots left are stale: what changes the page changes
its ETag (a booking, a cancellation, a hold, its expiry, a session edit)."""

from datetime import timedelta

import pytest

from app.booking.services.bookings import book_now, cancel_booking, place_hold
from app.booking.services.waitlist import join_waitlist
from app.scheduling.services.sessions import update_session
from tests.accounts.support import page_text
from tests.booking.conftest import NOW
from tests.queries import counting_statements

PAGE = "/schedule"


@pytest.fixture
def visitor(client):
    """An anonymous browser that keeps its cookies, as a phone does."""
    return client


def etag_of(visitor, path=PAGE) -> str:
    response = visitor.get(path)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"')
    return response.headers["ETag"]


def revalidate(visitor, etag, path=PAGE):
    return visitor.get(path, headers={"If-None-Match": etag})


def test_an_unchanged_timetable_answers_304_in_a_constant_few_queries(booker, visitor, db):
    booker.session()
    first = visitor.get(PAGE)
    etag = first.headers["ETag"]
    assert "private" in first.headers["Cache-Control"]
    assert "no-cache" in first.headers["Cache-Control"]
    assert "Cookie" in first.headers["Vary"] and "Accept-Language" in first.headers["Vary"]

    with counting_statements(db.engine) as full:
        assert visitor.get(PAGE).headers["ETag"] == etag
    with counting_statements(db.engine) as answered:
        again = revalidate(visitor, etag)
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    # the page is rendered from the very rows its ETag digests: nothing is read twice
    assert len(answered) == len(full) <= 5, (answered, full)

    for hours in range(1, 31):  # a busier week: the same statements for the 304
        booker.session(starts_in=timedelta(days=2, hours=hours), name=f"Class {hours}")
    etag = etag_of(visitor)
    with counting_statements(db.engine) as busier:
        assert revalidate(visitor, etag).status_code == 304
    assert len(busier) == len(answered), (busier, answered)


def test_a_booking_and_a_cancellation_each_change_the_etag(booker, visitor):
    cs = booker.session(capacity=5)
    member = booker.member(credits=3)
    before = etag_of(visitor)
    assert "5 spots left" in page_text(visitor.get(PAGE))

    booking = book_now(cs.id, member, actor=member)
    stale = revalidate(visitor, before)
    assert stale.status_code == 200 and "4 spots left" in page_text(stale)
    booked = stale.headers["ETag"]
    assert booked != before

    cancel_booking(booking.id, member, actor=member)
    again = revalidate(visitor, booked)
    assert again.status_code == 200 and "5 spots left" in page_text(again)
    assert again.headers["ETag"] != booked


def test_a_hold_and_its_expiry_each_change_the_etag(booker, visitor, clock):
    cs = booker.session(capacity=5)
    member = booker.member(credits=3)
    before = etag_of(visitor)

    place_hold(cs.id, member, actor=member)
    held = revalidate(visitor, before)
    assert held.status_code == 200 and "4 spots left" in page_text(held)

    # no job runs: the hold stops counting at its expiry, and so does the ETag
    clock(NOW + timedelta(minutes=11))
    expired = revalidate(visitor, held.headers["ETag"])
    assert expired.status_code == 200 and "5 spots left" in page_text(expired)


def test_a_full_class_and_its_waitlist_change_the_etag(booker, visitor):
    cs = booker.session(capacity=1)
    first, second = booker.member(credits=3), booker.member(credits=3)
    book_now(cs.id, first, actor=first)
    full = etag_of(visitor)
    assert "Full" in page_text(visitor.get(PAGE))

    join_waitlist(cs.id, second, actor=second)  # the page shows no waitlist: same page
    assert revalidate(visitor, full).status_code == 304


def test_a_session_edit_changes_the_etag(booker, visitor, schedule):
    cs = booker.session(capacity=5)
    before = etag_of(visitor)

    update_session(
        cs.id,
        {
            "starts_at": cs.starts_at,
            "capacity": 8,
            "trainer_id": cs.trainer_id,
            "room_id": cs.room_id,
        },
        actor=schedule.admin(),
    )

    edited = revalidate(visitor, before)
    assert edited.status_code == 200 and "8 spots left" in page_text(edited)


def test_the_etag_differs_by_language_and_by_visitor(booker, visitor, app):
    booker.session()
    english = etag_of(visitor)
    visitor.set_cookie("cupo_lang", "es")
    spanish = visitor.get(PAGE, headers={"If-None-Match": english})
    assert spanish.status_code == 200 and "Quedan" in page_text(spanish)

    stranger = app.test_client()  # another browser: another session, another CSRF token
    stranger.set_cookie("cupo_lang", "en")
    assert revalidate(stranger, english).status_code == 200


def test_a_stale_or_garbled_validator_gets_the_page(booker, visitor):
    booker.session()
    for header in ('"nope"', "garbage", 'W/"x", "y"', ""):
        response = visitor.get(PAGE, headers={"If-None-Match": header})
        assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    ["?view=week&date=2026-12-03&free=1", "?view=nonsense&date=12/03/2026&free=off", "?date="],
)
def test_a_filtered_or_unreadable_timetable_revalidates_to_the_same_page(booker, visitor, query):
    booker.session()
    first = visitor.get(PAGE + query)
    assert first.status_code == 200

    again = revalidate(visitor, first.headers["ETag"], PAGE + query)

    assert again.status_code == 304
    assert visitor.get(PAGE + query).get_data(as_text=True).count("<article") == (
        first.get_data(as_text=True).count("<article")
    )
