"""What the member sees: their state on each class card, and the bookings page."""

from datetime import timedelta

import pytest

from app.booking.services.bookings import book_now, cancel_booking, place_hold
from app.booking.services.waitlist import join_waitlist
from tests.accounts.support import page_text
from tests.booking.conftest import NOW
from tests.booking.member_support import act, card_actions, card_state
from tests.queries import counting_statements
from tests.scheduling.member_support import add_many, add_session

DAY = "/app/schedule?date=2026-12-03"  # Thursday: booker.session() starts at 9:00


@pytest.fixture
def member(booker, login):
    member = booker.member(credits=3)
    login(member)
    return member


def test_an_open_class_offers_one_tap_book_and_a_hold(booker, member, client):
    cs = booker.session()

    response = client.get(DAY)

    assert card_state(response, cs.id) == "open"
    actions = card_actions(response, cs.id)
    # buttons of the page's one form (its CSRF token and way back), each with its own key
    assert (
        f'<button form="session-action" formaction="/app/sessions/{cs.id}/book"' in actions
        and 'data-action="book"' in actions
    )
    assert f'formaction="/app/sessions/{cs.id}/hold"' in actions and "Hold 10 min" in actions
    assert actions.count('name="idempotency_key" value="') == 2
    page = page_text(response)
    shared = page[page.index('<form id="session-action" method="post"') :]
    shared = shared[: shared.index("</form>")]
    assert 'name="csrf_token"' in shared and f'name="next" value="{DAY}"' in shared


def test_each_form_gets_its_own_idempotency_key(booker, member, client):
    cs = booker.session()

    first = card_actions(client.get(DAY), cs.id)
    second = card_actions(client.get(DAY), cs.id)

    key = 'name="idempotency_key" value="'
    assert first.split(key)[1][:32] != second.split(key)[1][:32]


def test_a_booked_class_says_booked_with_a_cancel_link(booker, member, client):
    cs = booker.session()
    booking = book_now(cs.id, member, actor=member)

    actions = card_actions(client.get(DAY), cs.id)

    assert "Booked" in actions
    assert f'href="/app/bookings/{booking.id}/cancel?next=/app/schedule?date%3D2026-12-03"' in (
        actions
    )
    assert 'data-action="book"' not in actions


def test_a_held_class_says_until_when_with_a_countdown_and_confirm(booker, member, client):
    cs = booker.session()
    hold = place_hold(cs.id, member, actor=member)

    response = client.get(DAY)

    assert card_state(response, cs.id) == "held"
    actions = card_actions(response, cs.id)
    assert "Held until 9:10\u202fAM" in actions
    assert 'data-expires-at="2026-12-01T15:10:00+00:00"' in actions
    assert f'action="/app/holds/{hold.id}/confirm"' in actions
    assert f'action="/app/holds/{hold.id}/release"' in actions


def test_an_expired_hold_is_gone_from_the_card(booker, member, client, clock):
    cs = booker.session()
    place_hold(cs.id, member, actor=member)
    clock(NOW + timedelta(minutes=11))

    assert card_state(client.get(DAY), cs.id) == "open"


def test_a_waitlist_offer_says_the_spot_is_held_for_you(booker, member, client):
    cs = booker.session(capacity=1)
    first = booker.member(credits=1)
    booking = book_now(cs.id, first, actor=first)
    join_waitlist(cs.id, member, actor=member)
    cancel_booking(booking.id, first, actor=first)  # promotion runs inline after commit

    actions = card_actions(client.get(DAY), cs.id)

    assert "Your waitlist spot is held until 9:05\u202fAM" in actions
    assert 'data-action="confirm"' in actions


def test_a_full_class_offers_the_waitlist_and_a_waitlisted_one_shows_the_place(
    booker, member, client
):
    cs = booker.session(capacity=1)
    someone, ahead = booker.member(credits=1), booker.member(credits=1)
    book_now(cs.id, someone, actor=someone)

    full = client.get(DAY)
    join_waitlist(cs.id, ahead, actor=ahead)
    act(client, f"/app/sessions/{cs.id}/waitlist")
    waiting = client.get(DAY)

    assert card_state(full, cs.id) == "full"
    assert f'action="/app/sessions/{cs.id}/waitlist"' in card_actions(full, cs.id)
    assert card_state(waiting, cs.id) == "waitlisted"
    assert "Waitlist #2" in card_actions(waiting, cs.id)
    assert 'data-action="leave-waitlist"' in card_actions(waiting, cs.id)


def test_a_member_without_credits_sees_why_before_clicking(booker, client, login):
    cs = booker.session(credits=2)
    login(booker.member(credits=1))

    actions = card_actions(client.get(DAY), cs.id)

    assert "Not eligible: you need an active membership or 2 credits to book this class." in actions
    assert 'href="/app/membership"' in actions and "<form" not in actions


def test_an_unlimited_member_may_book_a_class_without_credits(booker, client, login):
    cs = booker.session()
    login(booker.unlimited())

    assert card_state(client.get(DAY), cs.id) == "open"


def test_a_class_whose_window_closed_says_so(booker, member, client):
    cs = booker.session(starts_in=timedelta(minutes=20))

    response = client.get("/app/schedule?date=2026-12-01")

    assert card_state(response, cs.id) == "closed"
    assert "Booking has closed" in card_actions(response, cs.id)


def test_a_class_not_yet_open_says_when_it_opens(booker, member, client):
    cs = booker.session(starts_in=timedelta(days=10))

    response = client.get("/app/schedule?date=2026-12-11")

    assert card_state(response, cs.id) == "not_open"
    assert "Booking opens Fri 4 Dec, 9:00 AM" in card_actions(response, cs.id)


def test_past_classes_have_no_booking_buttons(booker, member, client, clock):
    cs = booker.session(starts_in=timedelta(hours=1))
    clock(NOW + timedelta(hours=2))

    response = client.get("/app/schedule?date=2026-12-01")

    assert f'id="session-{cs.id}-name"' in page_text(response)
    assert card_state(response, cs.id) is None


def test_week_view_runs_the_same_number_of_queries_with_the_members_state(
    booker, member, client, db, schedule
):
    wednesday = NOW + timedelta(days=1)
    first = add_many(db, schedule, 10, wednesday, step=timedelta(minutes=20))
    full = add_session(db, schedule, wednesday - timedelta(hours=1), capacity=1)
    someone = booker.member(credits=1)
    book_now(full.id, someone, actor=someone)
    join_waitlist(full.id, member, actor=member)
    book_now(first[0].id, member, actor=member)
    place_hold(first[1].id, member, actor=member, overlap_ok=True)  # 20 min apart
    client.get("/app/schedule?view=week")  # warm caches

    with counting_statements(db.engine) as few:
        page = client.get("/app/schedule?view=week")
    add_many(db, schedule, 150, wednesday + timedelta(minutes=5), step=timedelta(minutes=20))
    with counting_statements(db.engine) as many:
        more = client.get("/app/schedule?view=week")

    assert [card_state(page, s.id) for s in (full, first[0], first[1], first[2])] == [
        "waitlisted",
        "booked",
        "held",
        "open",
    ]
    assert page_text(more).count("data-member-state=") == 161
    assert len(few) == len(many), (few, many)


def test_my_bookings_lists_holds_upcoming_waitlists_and_history(booker, member, client, clock):
    soon, later = booker.session(), booker.session(starts_in=timedelta(days=3))
    held, full = booker.session(starts_in=timedelta(days=4)), booker.session(capacity=1)
    gone = booker.session(starts_in=timedelta(days=5))
    someone = booker.member(credits=2)
    book_now(full.id, someone, actor=someone)
    booked = [book_now(cs.id, member, actor=member) for cs in (later, soon, gone)]
    cancel_booking(booked[2].id, member, actor=member)
    hold = place_hold(held.id, member, actor=member)
    entry = join_waitlist(full.id, member, actor=member)
    theirs = book_now(gone.id, someone, actor=someone)

    text = page_text(client.get("/app/bookings"))

    upcoming = text[text.index('id="my-upcoming"') : text.index('id="my-waitlist"')]
    assert upcoming.index(f'data-booking-id="{booked[1].id}"') < upcoming.index(
        f'data-booking-id="{booked[0].id}"'
    )
    assert f'href="/app/bookings/{booked[0].id}/cancel?next=/app/bookings"' in upcoming
    holds = text[text.index('id="my-holds"') : text.index('id="my-upcoming"')]
    assert f'data-hold-id="{hold.id}"' in holds and "Held until 9:10\u202fAM" in holds
    waiting = text[text.index('id="my-waitlist"') : text.index('id="my-past"')]
    assert f'data-entry-id="{entry.id}"' in waiting and "Waitlist #1" in waiting
    past = text[text.index('id="my-past"') :]
    assert f'data-booking-id="{booked[2].id}"' in past and "Cancelled" in past
    assert f'data-booking-id="{theirs.id}"' not in text
    assert "Credits: 1" in text and 'href="/app/membership" id="balance-summary"' in text


def test_a_finished_class_moves_to_the_history(booker, member, client, clock):
    cs = booker.session(starts_in=timedelta(hours=1))
    booking = book_now(cs.id, member, actor=member)
    clock(NOW + timedelta(hours=3))

    text = page_text(client.get("/app/bookings"))

    past = text[text.index('id="my-past"') :]
    assert f'data-booking-id="{booking.id}"' in past
    assert "No upcoming bookings." in text and "/cancel" not in text


def test_my_bookings_shows_an_unlimited_membership(booker, client, login):
    login(booker.unlimited())

    text = page_text(client.get("/app/bookings"))

    assert "until Dec 31, 2026 · Credits: 0" in text


def test_my_bookings_runs_the_same_number_of_queries_for_2_and_12_bookings(
    booker, client, login, db
):
    member = booker.member(credits=20)
    login(member)
    sessions = [booker.session(starts_in=timedelta(days=2, hours=n)) for n in range(12)]
    for cs in sessions[:2]:
        book_now(cs.id, member, actor=member)
    client.get("/app/bookings")
    with counting_statements(db.engine) as few:
        client.get("/app/bookings")
    for cs in sessions[2:]:
        booking = book_now(cs.id, member, actor=member)
    cancel_booking(booking.id, member, actor=member)
    with counting_statements(db.engine) as many:
        text = page_text(client.get("/app/bookings"))

    assert text.count("data-booking-id=") == 12
    assert len(few) == len(many), (few, many)


def test_bookings_is_a_tab_of_the_member_app(member, client):
    text = page_text(client.get("/app/bookings"))

    assert '<a href="/app/bookings" aria-current="page">' in text
    assert "ti-ticket" in text
