"""A class that overlaps one the member already has asks "book anyway?"
first, and a gym setting may refuse it; the desk gets the same question."""

import re
from datetime import timedelta

import pytest
from flask import g

from app.booking.models import Booking, BookingStatus
from app.booking.rules import BookingError, OverlapError
from app.booking.services.bookings import book_now, place_hold
from app.memberships import ledger
from app.settings.models import DEFAULTS, GymSettings
from tests.accounts.support import page_text
from tests.booking.member_support import act, bookings, holds, said
from tests.conftest import post_form
from tests.queries import counting_statements

ASK = re.compile(r'id="overlap-question">(.*?)</div>', re.S)
LATER = timedelta(days=2, minutes=30)  # booker.session() runs 9:00-10:00 on Thursday


@pytest.fixture
def member(booker, login):
    member = booker.member(credits=3)
    login(member)
    return member


@pytest.fixture
def yoga(booker, member):
    """The member's booking: Yoga, Thursday 9:00-10:00."""
    cs = booker.session(name="Yoga")
    book_now(cs.id, member, actor=member)
    return cs


def forbid_overlaps(db):
    settings = db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
    settings.allow_overlapping_bookings = False
    db.session.add(settings)
    db.session.commit()
    g.pop("gym_settings", None)


def question(response) -> str:
    return ASK.search(page_text(response)).group(1)


def test_booking_an_overlapping_class_asks_first_and_writes_nothing(
    booker, member, yoga, client, db
):
    spin = booker.session(starts_in=LATER, name="Spinning")

    response = act(client, f"/app/sessions/{spin.id}/book")

    assert response.status_code == 200
    assert question(response) == "You already have Yoga at 9:00\u202fAM — book anyway?"
    text = page_text(response)
    assert f'action="/app/sessions/{spin.id}/book" id="overlap-form"' in text
    assert 'name="confirm_overlap" value="1"' in text and 'id="book-anyway"' in text
    assert "Spinning" in text
    assert [b.session_id for b in bookings(db, member)] == [yoga.id]
    assert ledger.balance(member.id) == 200


def test_book_anyway_books_the_overlapping_class(booker, member, yoga, client, db):
    spin = booker.session(starts_in=LATER, name="Spinning")
    act(client, f"/app/sessions/{spin.id}/book")

    response = act(client, f"/app/sessions/{spin.id}/book", confirm_overlap="1")

    assert said(response) == ["You're in. See you there!"]
    assert sorted(b.session_id for b in bookings(db, member)) == sorted([yoga.id, spin.id])
    assert ledger.balance(member.id) == 100


def test_holding_an_overlapping_class_asks_and_a_live_hold_counts_too(booker, member, client, db):
    yoga = booker.session(name="Yoga")
    place_hold(yoga.id, member, actor=member)
    spin = booker.session(starts_in=LATER, name="Spinning")

    asked = act(client, f"/app/sessions/{spin.id}/hold")
    held = act(client, f"/app/sessions/{spin.id}/hold", confirm_overlap="1")

    assert question(asked) == "You already have Yoga at 9:00\u202fAM — book anyway?"
    assert 'id="book-anyway">Hold anyway<' in page_text(asked)
    assert said(held)[0].startswith("We're holding a spot for you until")
    assert sorted(h.session_id for h in holds(db, member)) == sorted([yoga.id, spin.id])


def test_a_class_that_starts_as_the_other_ends_does_not_ask(booker, member, yoga, client, db):
    after = booker.session(starts_in=timedelta(days=2, hours=1), name="Pilates")
    before = booker.session(starts_in=timedelta(days=2, hours=-1), name="Box")

    responses = [act(client, f"/app/sessions/{cs.id}/book") for cs in (after, before)]

    assert [said(r) for r in responses] == [["You're in. See you there!"]] * 2
    assert len(bookings(db, member)) == 3


def test_a_cancelled_booking_does_not_overlap(booker, member, yoga, client, db):
    [booking] = bookings(db, member)
    act(client, f"/app/bookings/{booking.id}/cancel")
    spin = booker.session(starts_in=LATER, name="Spinning")

    assert said(act(client, f"/app/sessions/{spin.id}/book")) == ["You're in. See you there!"]


def test_a_gym_that_forbids_overlaps_refuses_even_when_asked_to_book_anyway(
    booker, member, yoga, client, db
):
    forbid_overlaps(db)
    spin = booker.session(starts_in=LATER, name="Spinning")

    plain = act(client, f"/app/sessions/{spin.id}/book")
    anyway = act(client, f"/app/sessions/{spin.id}/book", confirm_overlap="1")

    message = (
        "You already have Yoga at 9:00\u202fAM, and this gym doesn't allow overlapping bookings."
    )
    assert said(plain) == said(anyway) == [message]
    assert [b.session_id for b in bookings(db, member)] == [yoga.id]


def test_the_overlap_check_is_one_query(booker, member, yoga, db):
    spin = booker.session(starts_in=LATER, name="Spinning")

    with counting_statements(db.engine) as statements, pytest.raises(OverlapError):
        book_now(spin.id, member, actor=member)

    assert sum("UNION ALL" in statement for statement in statements) == 1


def test_an_unreadable_confirm_flag_is_a_message_not_an_error(booker, member, yoga, client, db):
    spin = booker.session(starts_in=LATER, name="Spinning")

    response = act(client, f"/app/sessions/{spin.id}/book", confirm_overlap="x" * 50)

    assert response.status_code == 200
    assert said(response) == ["The form could not be read. Reload the page and try again."]
    assert [b.session_id for b in bookings(db, member)] == [yoga.id]


# ---- the desk books a member in -----------------------------------------------


def desk_books(client, cs, member, **extra):
    return post_form(
        client,
        f"/admin/sessions/{cs.id}/bookings",
        {"member": member.email, **extra},
        token_from=f"/admin/sessions/{cs.id}/roster",
    )


def test_the_desk_gets_the_same_question_and_may_book_anyway(
    booker, member, yoga, client, db, login, factories
):
    spin = booker.session(starts_in=LATER, name="Spinning")
    login(factories.front_desk())

    asked = desk_books(client, spin, member)
    booked = desk_books(client, spin, member, confirm_overlap="1")

    assert asked.status_code == 200
    assert question(asked) == f"{member.name} already has Yoga at 9:00\u202fAM — book anyway?"
    assert f'name="member" value="{member.email}"' in page_text(asked)
    assert booked.status_code == 302
    assert sorted(b.session_id for b in bookings(db, member)) == sorted([yoga.id, spin.id])


def test_the_desk_is_refused_an_overlap_the_gym_forbids(
    booker, member, yoga, client, db, login, factories
):
    forbid_overlaps(db)
    spin = booker.session(starts_in=LATER, name="Spinning")
    login(factories.front_desk())

    response = desk_books(client, spin, member, confirm_overlap="1")

    assert response.status_code == 200
    assert (
        f"{member.name} already has Yoga at 9:00\u202fAM, and this gym doesn't allow "
        "overlapping bookings." in page_text(response)
    )
    assert [b.session_id for b in bookings(db, member)] == [yoga.id]


def test_a_walk_in_at_the_door_is_not_asked(booker, member, yoga, db, factories):
    spin = booker.session(starts_in=LATER, name="Spinning")

    booking = book_now(spin.id, member, actor=factories.front_desk(), walk_in=True)

    assert db.session.get(Booking, booking.id).status is BookingStatus.CONFIRMED


def test_the_engine_refuses_with_a_booking_error_when_forbidden(booker, member, yoga, db):
    forbid_overlaps(db)
    spin = booker.session(starts_in=LATER, name="Spinning")

    with pytest.raises(BookingError) as refused:
        book_now(spin.id, member, actor=member, overlap_ok=True)

    assert not isinstance(refused.value, OverlapError)
