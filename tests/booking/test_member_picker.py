"""The member picker on every staff form that takes a member (book into a
class, walk-in, desk payment): an ambiguous name lists the matching members
to pick from, with no script, and picking one names exactly that member."""

import re

import pytest

from app.booking.models import Booking
from app.extensions import db as _db
from app.trainers.models import Trainer
from tests.accounts.support import field_error, page_text
from tests.booking import staff_support
from tests.conftest import post_form
from tests.scheduling import admin_support
from tests.scheduling.admin_support import count

#: fixtures shared with the back-office scheduling tests
as_desk = admin_support.as_desk
now = admin_support.now
desk = staff_support.desk

AMBIGUOUS = "More than one member matches. Pick one below."


def forms(cs) -> dict[str, tuple[str, str]]:
    """{form: (where it posts, the page it is on)}."""
    return {
        "book": (f"/admin/sessions/{cs.id}/bookings", f"/admin/sessions/{cs.id}/roster"),
        "walk_in": (f"/admin/sessions/{cs.id}/walk-in", f"/admin/sessions/{cs.id}/attendance"),
        "payment": ("/admin/billing/payments/new", "/admin/billing/payments/new"),
    }


def picks(response) -> list[str]:
    """The emails offered as radio buttons, in page order."""
    return re.findall(r'name="member_pick" value="([^"]+)"', page_text(response))


@pytest.mark.parametrize("form", ["book", "walk_in", "payment"])
def test_an_ambiguous_name_lists_the_members_to_pick_from(db, desk, as_desk, form):
    cs = desk.session()
    juan = desk.unlimited(name="Juan Pérez")
    juana = desk.member(credits=3, name="Juána Ruiz")
    desk.member(credits=3, name="Pedro Juárez")
    action, page = forms(cs)[form]

    response = post_form(as_desk, action, {"member": "JUAN"}, token_from=page)

    html = page_text(response)
    assert response.status_code == 200
    assert field_error(response, "member") == AMBIGUOUS
    assert sorted(picks(response)) == sorted([juan.email, juana.email])
    assert f"No. {juan.id:04d}" in html and f"No. {juana.id:04d}" in html
    assert f"Unlimited {juan.id}" in html
    assert count(db, Booking) == 0


@pytest.mark.parametrize("form", ["book", "walk_in", "payment"])
def test_each_form_has_the_type_ahead_for_the_desk(desk, as_desk, form):
    cs = desk.session()
    _action, page = forms(cs)[form]

    html = page_text(as_desk.get(page))

    assert 'data-hx-get="/admin/members?pick=member"' in html
    assert 'id="member-matches"' in html


def test_picking_a_listed_member_books_exactly_that_one(db, desk, as_desk):
    cs = desk.session()
    desk.member(credits=3, name="Sam Torres")
    second = desk.member(credits=3, name="Sam Torres")
    action, page = forms(cs)["book"]

    response = post_form(
        as_desk, action, {"member": "sam torres", "member_pick": second.email}, token_from=page
    )

    assert response.status_code == 302
    [booking] = desk.bookings_of(cs)
    assert booking.member_id == second.id


@pytest.mark.parametrize("typed", ["{n}", "{n:04d}", "No. {n:04d}"])
def test_a_member_number_names_one_member(db, desk, as_desk, typed):
    cs = desk.session()
    member = desk.member(credits=3, name="Sam Torres")
    desk.member(credits=3, name="Sam Torres")
    action, page = forms(cs)["book"]

    response = post_form(as_desk, action, {"member": typed.format(n=member.id)}, token_from=page)

    assert response.status_code == 302
    assert [b.member_id for b in desk.bookings_of(cs)] == [member.id]


def test_a_picked_email_that_is_no_member_is_refused(db, desk, as_desk, factories):
    cs = desk.session()
    trainer = factories.trainer(name="Sam Trainer")
    action, page = forms(cs)["book"]

    response = post_form(
        as_desk, action, {"member": "sam", "member_pick": trainer.email}, token_from=page
    )

    assert field_error(response, "member") == "No active member has that name, email or number."
    assert count(db, Booking) == 0


def test_the_trainer_walk_in_form_has_no_desk_type_ahead(desk, client, login):
    cs = desk.session()
    login(_db.session.get(Trainer, cs.trainer_id).user)

    response = client.get(f"/trainer/sessions/{cs.id}/attendance")

    html = page_text(response)
    assert response.status_code == 200 and 'name="member"' in html
    assert "/admin/members" not in html
