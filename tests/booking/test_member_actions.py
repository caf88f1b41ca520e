"""The member's booking buttons: book, hold, confirm, release, cancel, waitlist."""

from datetime import timedelta

import pytest

from app.booking.models import BookingStatus, Hold, HoldStatus, WaitlistStatus
from app.booking.services import bookings as booking_services
from app.memberships import ledger
from app.memberships.models import EntryKind
from tests.accounts.support import page_text
from tests.booking.conftest import NOW
from tests.booking.member_support import act, bookings, entries, holds, ledger_kinds, said

NINE_TEN = "9:10\u202fAM"  # NOW + 10 minutes, in Mexico City


@pytest.fixture
def member(booker, login):
    member = booker.member(credits=3)
    login(member)
    return member


def test_one_tap_book_books_and_spends_one_credit(booker, member, client, db):
    cs = booker.session()

    response = act(client, f"/app/sessions/{cs.id}/book")

    assert said(response) == ["You're in. See you there!"]
    [booking] = bookings(db, member)
    assert (booking.session_id, booking.credits_cc) == (cs.id, 100)
    assert ledger.balance(member.id) == 200
    assert holds(db, member, HoldStatus.CONFIRMED) == []  # one tap needs no hold row


def test_one_tap_book_goes_back_to_the_page_it_came_from(booker, member, client):
    cs = booker.session()

    response = act(client, f"/app/sessions/{cs.id}/book", follow=False, next="/app/schedule?x=1")

    assert response.status_code == 303
    assert response.location == "/app/schedule?x=1"


def test_an_unsafe_next_goes_to_my_bookings(booker, member, client):
    cs = booker.session()

    response = act(client, f"/app/sessions/{cs.id}/book", follow=False, next="https://evil.test/")

    assert response.location == "/app/bookings"


def test_one_tap_book_twice_with_the_same_key_books_and_spends_once(booker, member, client, db):
    cs = booker.session()

    first = act(client, f"/app/sessions/{cs.id}/book", key="same-key")
    second = act(client, f"/app/sessions/{cs.id}/book", key="same-key")

    assert said(first) == said(second) == ["You're in. See you there!"]
    assert len(bookings(db, member)) == 1
    assert ledger_kinds(db, member) == [(EntryKind.PURCHASE, 300), (EntryKind.SPEND, -100)]


def test_one_tap_book_twice_with_new_keys_says_you_have_a_spot(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/book")

    response = act(client, f"/app/sessions/{cs.id}/book")

    assert said(response) == ["You already have a spot in this class."]
    assert len(bookings(db, member)) == 1 and ledger.balance(member.id) == 200


def test_a_crash_mid_booking_leaves_nothing_and_the_retry_with_its_key_books(
    booker, member, client, db, monkeypatch
):
    cs = booker.session()
    book = booking_services._book

    def crash_once(*args, **kwargs):
        monkeypatch.setattr(booking_services, "_book", book)
        book(*args, **kwargs)  # written, then the process fails before commit
        raise RuntimeError("worker killed")

    monkeypatch.setattr(booking_services, "_book", crash_once)
    crashed = act(client, f"/app/sessions/{cs.id}/book", key="retry-me")
    assert crashed.status_code == 500
    assert bookings(db, member) == [] and ledger.balance(member.id) == 300

    retried = act(client, f"/app/sessions/{cs.id}/book", key="retry-me")

    assert said(retried) == ["You're in. See you there!"]
    assert len(bookings(db, member)) == 1 and ledger.balance(member.id) == 200


def test_a_key_reused_for_another_class_is_refused_with_422(booker, member, client, db):
    first, other = booker.session(), booker.session(starts_in=timedelta(days=3))
    act(client, f"/app/sessions/{first.id}/book", key="k1")

    response = act(client, f"/app/sessions/{other.id}/book", key="k1")

    assert response.status_code == 422
    assert "This form was already used for something else. Reload the page." in page_text(response)
    assert [b.session_id for b in bookings(db, member)] == [first.id]


def test_booking_without_credits_or_membership_says_what_is_needed(booker, client, login, db):
    cs, member = booker.session(), booker.member()
    login(member)

    response = act(client, f"/app/sessions/{cs.id}/book")

    assert said(response) == ["You need an active membership or 1 credit to book this class."]
    assert bookings(db, member) == []


def test_an_unlimited_member_books_without_spending(booker, client, login, db):
    cs, member = booker.session(), booker.unlimited()
    login(member)

    response = act(client, f"/app/sessions/{cs.id}/book")

    assert said(response) == ["You're in. See you there!"]
    [booking] = bookings(db, member)
    assert booking.credits_cc == 0 and booking.membership_id is not None
    assert ledger_kinds(db, member) == []


def test_booking_a_full_class_says_it_is_full(booker, member, client, db):
    cs = booker.session(capacity=1)
    act_as(booker, db, cs)

    response = act(client, f"/app/sessions/{cs.id}/book")

    assert said(response) == ["This class is full."]
    assert bookings(db, member) == [] and ledger.balance(member.id) == 300


def test_booking_after_the_window_closed_says_so(booker, member, client, db):
    cs = booker.session(starts_in=timedelta(minutes=20))  # closes 30 minutes before

    response = act(client, f"/app/sessions/{cs.id}/book")

    assert said(response) == ["Booking for this class has closed."]
    assert bookings(db, member) == []


def test_booking_before_the_window_opens_says_when_it_opens(booker, member, client, db):
    cs = booker.session(starts_in=timedelta(days=10))  # opens 7 days before

    response = act(client, f"/app/sessions/{cs.id}/book")

    assert said(response) == ["Booking for this class opens on Fri 4 Dec, 9:00 AM."]
    assert bookings(db, member) == []


@pytest.mark.parametrize("path", ["/app/sessions/999999/book", "/app/sessions/999999/hold"])
def test_an_unknown_class_says_it_is_not_on_the_schedule(member, client, path):
    response = act(client, path)

    assert response.status_code == 200
    assert said(response) == ["This class is no longer on the schedule."]


def test_an_unreadable_idempotency_key_is_a_message_not_an_error(booker, member, client, db):
    cs = booker.session()

    response = act(client, f"/app/sessions/{cs.id}/book", key="x" * 65)

    assert said(response) == ["The form could not be read. Reload the page and try again."]
    assert bookings(db, member) == []


def test_hold_holds_a_spot_until_a_time_and_spends_nothing(booker, member, client, db):
    cs = booker.session()

    response = act(client, f"/app/sessions/{cs.id}/hold")

    assert said(response) == [f"We're holding a spot for you until {NINE_TEN}. Confirm it to book."]
    [hold] = holds(db, member)
    assert hold.session_id == cs.id and hold.expires_at == NOW + timedelta(minutes=10)
    assert ledger.balance(member.id) == 300


def test_holding_twice_says_the_spot_is_already_held(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/hold")

    response = act(client, f"/app/sessions/{cs.id}/hold")

    assert said(response) == ["We're already holding a spot for you in this class."]
    assert len(holds(db, member)) == 1


def test_hold_twice_with_the_same_key_places_one_hold(booker, member, client, db):
    cs = booker.session()

    first = act(client, f"/app/sessions/{cs.id}/hold", key="hold-key")
    second = act(client, f"/app/sessions/{cs.id}/hold", key="hold-key")

    assert said(first) == said(second)
    assert len(holds(db, member)) == 1


def test_confirming_a_hold_books_and_spends(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/hold")
    [hold] = holds(db, member)

    response = act(client, f"/app/holds/{hold.id}/confirm")

    assert said(response) == ["You're in. See you there!"]
    assert [b.session_id for b in bookings(db, member)] == [cs.id]
    assert holds(db, member, HoldStatus.CONFIRMED)[0].id == hold.id
    assert ledger.balance(member.id) == 200


def test_confirming_twice_with_the_same_key_spends_once(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/hold")
    [hold] = holds(db, member)

    first = act(client, f"/app/holds/{hold.id}/confirm", key="confirm-key")
    second = act(client, f"/app/holds/{hold.id}/confirm", key="confirm-key")

    assert said(first) == said(second) == ["You're in. See you there!"]
    assert len(bookings(db, member)) == 1
    assert ledger_kinds(db, member) == [(EntryKind.PURCHASE, 300), (EntryKind.SPEND, -100)]


def test_confirming_an_expired_hold_says_it_expired(booker, member, client, db, clock):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/hold")
    [hold] = holds(db, member)
    clock(NOW + timedelta(minutes=10, seconds=1))

    response = act(client, f"/app/holds/{hold.id}/confirm")

    assert said(response) == ["Your hold has expired. Try to book again."]
    assert bookings(db, member) == [] and ledger.balance(member.id) == 300


def test_releasing_a_hold_gives_the_spot_back(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/hold")
    [hold] = holds(db, member)

    response = act(client, f"/app/holds/{hold.id}/release")

    assert said(response) == ["You gave the spot back."]
    assert db.session.get(Hold, hold.id, populate_existing=True).status is HoldStatus.RELEASED


@pytest.mark.parametrize("action", ["confirm", "release"])
def test_another_members_hold_is_404(booker, member, client, db, action):
    cs, other = booker.session(), booker.member(credits=1)
    from app.booking.services.bookings import place_hold

    theirs = place_hold(cs.id, other, actor=other)

    response = act(client, f"/app/holds/{theirs.id}/{action}", follow=False)

    assert response.status_code == 404
    assert db.session.get(Hold, theirs.id, populate_existing=True).status is HoldStatus.ACTIVE


def test_cancel_page_tells_the_full_refund_before_cancelling(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/book")
    [booking] = bookings(db, member)

    response = client.get(f"/app/bookings/{booking.id}/cancel")

    assert response.status_code == 200
    text = page_text(response)
    assert (
        'id="cancel-terms">You get your 1 credit back. '
        "It doesn't count as a late cancellation.</div>" in text
    )
    assert 'name="idempotency_key"' in text
    assert [b.id for b in bookings(db, member)] == [booking.id]  # looking changes nothing


def test_cancel_page_tells_a_late_cancel_costs_the_credit(booker, member, client, db):
    cs = booker.session(starts_in=timedelta(hours=2))
    act(client, f"/app/sessions/{cs.id}/book")
    [booking] = bookings(db, member)

    text = page_text(client.get(f"/app/bookings/{booking.id}/cancel"))

    assert (
        "It's too late for a refund: you lose 1 credit. It counts as a late cancellation." in text
    )


def test_cancelling_refunds_and_says_so(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/book")
    [booking] = bookings(db, member)

    response = act(client, f"/app/bookings/{booking.id}/cancel")

    assert said(response) == ["Your booking is cancelled.", "1 credit is back in your balance."]
    assert [b.id for b in bookings(db, member, BookingStatus.CANCELLED)] == [booking.id]
    assert ledger.balance(member.id) == 300


def test_cancelling_late_forfeits_and_says_the_credit_is_lost(booker, member, client, db):
    cs = booker.session(starts_in=timedelta(hours=2))
    act(client, f"/app/sessions/{cs.id}/book")
    [booking] = bookings(db, member)

    response = act(client, f"/app/bookings/{booking.id}/cancel")

    assert said(response) == [
        "Your booking is cancelled.",
        "You lost 1 credit. It was recorded as a late cancellation.",
    ]
    assert ledger.balance(member.id) == 200
    assert ledger_kinds(db, member)[-1] == (EntryKind.FORFEIT, 0)


def test_cancelling_twice_says_it_is_already_cancelled(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/book")
    [booking] = bookings(db, member)
    act(client, f"/app/bookings/{booking.id}/cancel")

    again = act(client, f"/app/bookings/{booking.id}/cancel")
    page = client.get(f"/app/bookings/{booking.id}/cancel")

    assert said(again) == ["This booking is already cancelled."]
    assert 'id="cancel-problem">This booking is already cancelled.</div>' in page_text(page)
    assert 'id="cancel-form"' not in page_text(page)
    kinds = [kind for kind, _ in ledger_kinds(db, member)]
    assert kinds == [EntryKind.PURCHASE, EntryKind.SPEND, EntryKind.REFUND]


def test_cancelling_twice_with_the_same_key_refunds_once(booker, member, client, db):
    cs = booker.session()
    act(client, f"/app/sessions/{cs.id}/book")
    [booking] = bookings(db, member)

    first = act(client, f"/app/bookings/{booking.id}/cancel", key="cancel-key")
    second = act(client, f"/app/bookings/{booking.id}/cancel", key="cancel-key")

    assert said(first) == said(second)
    kinds = [kind for kind, _ in ledger_kinds(db, member)]
    assert kinds == [EntryKind.PURCHASE, EntryKind.SPEND, EntryKind.REFUND]


def test_cancelling_another_members_booking_is_404(booker, member, client, db):
    cs, other = booker.session(), booker.member(credits=1)
    from app.booking.services.bookings import book_now

    theirs = book_now(cs.id, other, actor=other)

    page = client.get(f"/app/bookings/{theirs.id}/cancel")
    posted = act(client, f"/app/bookings/{theirs.id}/cancel", follow=False)

    assert (page.status_code, posted.status_code) == (404, 404)
    assert [b.id for b in bookings(db, other)] == [theirs.id]


def test_cancel_page_of_a_class_that_started_says_so(booker, member, client, db, clock):
    cs = booker.session(starts_in=timedelta(hours=1))
    act(client, f"/app/sessions/{cs.id}/book")
    [booking] = bookings(db, member)
    clock(NOW + timedelta(hours=1, minutes=5))

    page = page_text(client.get(f"/app/bookings/{booking.id}/cancel"))
    posted = act(client, f"/app/bookings/{booking.id}/cancel")

    assert 'id="cancel-problem">This class has already started.</div>' in page
    assert said(posted) == ["This class has already started."]
    assert [b.id for b in bookings(db, member)] == [booking.id]


def test_joining_the_waitlist_of_a_full_class_tells_the_place(booker, member, client, db, login):
    cs = booker.session(capacity=1)
    act_as(booker, db, cs)
    first = booker.member(credits=1)
    login(first)
    act(client, f"/app/sessions/{cs.id}/waitlist")
    login(member)

    response = act(client, f"/app/sessions/{cs.id}/waitlist")

    assert said(response) == ["You're on the waitlist: number 2."]
    [entry] = entries(db, member)
    assert entry.status is WaitlistStatus.WAITING


def test_joining_the_waitlist_twice_with_the_same_key_queues_once(booker, member, client, db):
    cs = booker.session(capacity=1)
    act_as(booker, db, cs)

    first = act(client, f"/app/sessions/{cs.id}/waitlist", key="wait-key")
    second = act(client, f"/app/sessions/{cs.id}/waitlist", key="wait-key")

    assert said(first) == said(second) == ["You're on the waitlist: number 1."]
    assert len(entries(db, member)) == 1


def test_joining_the_waitlist_with_free_spots_says_book_instead(booker, member, client, db):
    cs = booker.session()

    response = act(client, f"/app/sessions/{cs.id}/waitlist")

    assert said(response) == ["There are free spots: book one instead."]
    assert entries(db, member) == []


def test_leaving_the_waitlist(booker, member, client, db):
    cs = booker.session(capacity=1)
    act_as(booker, db, cs)
    act(client, f"/app/sessions/{cs.id}/waitlist")
    [entry] = entries(db, member)

    response = act(client, f"/app/waitlist/{entry.id}/leave")
    again = act(client, f"/app/waitlist/{entry.id}/leave")

    assert said(response) == ["You left the waitlist."]
    assert said(again) == ["You're not on this waitlist."]
    assert entries(db, member)[0].status is WaitlistStatus.LEFT


def test_leaving_another_members_waitlist_place_is_404(booker, member, client, db):
    cs = booker.session(capacity=1)
    act_as(booker, db, cs)
    other = booker.member(credits=1)
    from app.booking.services.waitlist import join_waitlist

    theirs = join_waitlist(cs.id, other, actor=other)

    response = act(client, f"/app/waitlist/{theirs.id}/leave", follow=False)

    assert response.status_code == 404
    assert entries(db, other)[0].status is WaitlistStatus.WAITING


def test_a_cancellation_offers_the_waitlist_a_priority_hold_to_confirm(booker, client, login, db):
    cs = booker.session(capacity=1)
    first, second = booker.member(credits=1), booker.member(credits=1)
    login(first)
    act(client, f"/app/sessions/{cs.id}/book")
    login(second)
    act(client, f"/app/sessions/{cs.id}/waitlist")
    login(first)
    [booking] = bookings(db, first)
    act(client, f"/app/bookings/{booking.id}/cancel")
    login(second)

    [offer] = holds(db, second)
    assert offer.is_priority
    response = act(client, f"/app/holds/{offer.id}/confirm")

    assert said(response) == ["You're in. See you there!"]
    assert [b.session_id for b in bookings(db, second)] == [cs.id]
    assert entries(db, second)[0].status is WaitlistStatus.PROMOTED


def test_the_sixth_new_hold_in_a_minute_is_429(booker, member, client, db):
    sessions = [booker.session(starts_in=timedelta(days=2, hours=n)) for n in range(6)]
    for cs in sessions[:3]:
        assert act(client, f"/app/sessions/{cs.id}/hold", follow=False).status_code == 303
    for cs in sessions[3:5]:  # a one-tap booking is a new hold too
        assert act(client, f"/app/sessions/{cs.id}/book", follow=False).status_code == 303

    response = act(client, f"/app/sessions/{sessions[5].id}/hold", follow=False)

    assert response.status_code == 429
    assert "Too many attempts" in page_text(response)
    assert len(holds(db, member)) == 3 and len(bookings(db, member)) == 2


def test_the_hold_limit_is_per_member(booker, member, client, login, db):
    sessions = [booker.session(starts_in=timedelta(days=2, hours=n)) for n in range(6)]
    for cs in sessions[:5]:
        act(client, f"/app/sessions/{cs.id}/hold", follow=False)
    other = booker.member(credits=1)
    login(other)

    response = act(client, f"/app/sessions/{sessions[5].id}/hold", follow=False)

    assert response.status_code == 303
    assert len(holds(db, other)) == 1


def act_as(booker, db, cs):
    """Someone else takes a spot in `cs` (through the engine)."""
    from app.booking.services.bookings import book_now

    someone = booker.member(credits=1)
    return book_now(cs.id, someone, actor=someone)
