"""Back office: booking a member in, cancelling with the refund staff choose,
marking a no-show; every rule is the engine's, every refusal a message."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role, UserStatus
from app.booking.models import Booking, BookingStatus, Strike, StrikeKind
from app.booking.services.bookings import book_now
from app.core.audit import AuditEntry
from app.core.db import transaction
from app.memberships import ledger
from app.memberships.models import CC, EntryKind, LedgerEntry
from tests.accounts.support import field_error, flashes, fresh, page_text
from tests.booking import staff_support
from tests.booking.staff_support import NOW
from tests.conftest import post_form
from tests.scheduling import admin_support
from tests.scheduling.admin_support import count, form_error_text

#: fixtures shared with the back-office scheduling tests
admin = admin_support.admin
as_admin = admin_support.as_admin
as_desk = admin_support.as_desk
now = admin_support.now
desk = staff_support.desk


def book(client, cs, member_text: str):
    return post_form(
        client,
        f"/admin/sessions/{cs.id}/bookings",
        {"member": member_text},
        token_from=f"/admin/sessions/{cs.id}/roster",
    )


def cancel(client, booking, refund: str = "policy"):
    return post_form(
        client,
        f"/admin/bookings/{booking.id}/cancel",
        {"refund": refund},
        token_from=f"/admin/sessions/{booking.session_id}/roster",
        follow_redirects=True,
    )


def booked(desk, cs, member) -> Booking:
    """A booking made through the engine, so credits are really spent."""
    with transaction():
        booking = book_now(cs.id, member, actor=member)
    return booking


def ledger_kinds(db, booking) -> list[tuple[EntryKind, int]]:
    return [
        (entry.kind, entry.amount_cc)
        for entry in db.session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.booking_id == booking.id)
            .order_by(LedgerEntry.id)
            .execution_options(populate_existing=True)
        )
    ]


def audit_of(db, action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


# ---- booking a member in ----------------------------------------------------


@pytest.mark.parametrize("typed", ["ana@example.com", "  ANA@example.com ", "Ana López", "lópez"])
def test_desk_books_a_member_found_by_email_or_name(db, desk, as_desk, typed):
    cs = desk.session(credits=2)
    ana = desk.member(credits=5, name="Ana López", email="ana@example.com")
    desk.member(credits=5, name="Ben Ortiz")

    response = book(as_desk, cs, typed)

    assert response.status_code == 302
    assert response.location.endswith(f"/admin/sessions/{cs.id}/roster")
    [booking] = desk.bookings_of(cs)
    assert (booking.member_id, booking.credits_cc) == (ana.id, 2 * CC)
    assert ledger.balance(ana.id) == 3 * CC
    [entry] = audit_of(db, "booking.confirmed")
    assert entry.actor.role is Role.FRONT_DESK and entry.entity_id == str(booking.id)
    assert flashes(as_desk.get(response.location)) == ["Ana López is booked in."]


def test_desk_books_a_member_with_an_unlimited_plan_without_credits(db, desk, as_admin):
    cs = desk.session(credits=3)
    uma = desk.unlimited(name="Uma Plan")

    book(as_admin, cs, uma.email)

    [booking] = desk.bookings_of(cs)
    assert booking.member_id == uma.id and booking.membership_id is not None
    assert booking.credits_cc == 0 and ledger_kinds(db, booking) == []


@pytest.mark.parametrize(
    "typed",
    ["nobody@example.com", "Nobody At All", "trainer@example.com", "gone@example.com"],
)
def test_booking_someone_who_is_not_an_active_member_is_a_field_error(
    db, desk, as_desk, factories, typed
):
    cs = desk.session()
    factories.trainer(email="trainer@example.com")
    desk.member(credits=5, email="gone@example.com", status=UserStatus.INACTIVE)

    response = book(as_desk, cs, typed)

    assert response.status_code == 200
    assert field_error(response, "member") == "No active member has that name, email or number."
    assert count(db, Booking) == 0


def test_booking_a_name_two_members_share_lists_them_to_pick(db, desk, as_desk):
    cs = desk.session()
    first = desk.member(credits=5, name="Sam Torres")
    second = desk.member(credits=5, name="Sam Torres")

    response = book(as_desk, cs, "sam torres")

    assert field_error(response, "member") == "More than one member matches. Pick one below."
    page = response.get_data(as_text=True)
    assert f'value="{first.email}"' in page and f'value="{second.email}"' in page
    assert count(db, Booking) == 0


def test_booking_an_empty_search_is_a_field_error(db, desk, as_desk):
    cs = desk.session()

    response = book(as_desk, cs, "   ")

    assert field_error(response, "member") == "Enter the member's email or name."


def test_booking_a_full_class_is_refused_and_writes_nothing(db, desk, as_admin):
    cs = desk.session(capacity=2)
    desk.booking(cs)
    desk.hold(cs)  # a live hold takes a spot too
    ana = desk.member(credits=5)

    response = book(as_admin, cs, ana.email)

    assert response.status_code == 200
    assert form_error_text(response) == "This class is full."
    assert f'href="/admin/sessions/{cs.id}/edit" data-testid="raise-capacity"' in page_text(
        response
    )
    assert len(desk.bookings_of(cs)) == 1
    assert ledger.balance(ana.id) == 5 * CC
    assert audit_of(db, "booking.confirmed") == []


def test_booking_a_member_already_in_the_class_is_refused(db, desk, as_desk):
    cs = desk.session()
    ana = desk.member(credits=5)
    booked(desk, cs, ana)

    response = book(as_desk, cs, ana.email)

    assert form_error_text(response) == f"{ana.name} already has a spot in this class."
    assert len(desk.bookings_of(cs)) == 1
    assert ledger.balance(ana.id) == 4 * CC


def test_booking_a_member_without_credits_or_membership_is_refused(db, desk, as_desk):
    cs = desk.session(credits=2)
    ana = desk.member(credits=1)

    response = book(as_desk, cs, ana.email)

    assert form_error_text(response) == (
        f"{ana.name} needs an active membership or 2 credits for this class."
    )
    assert count(db, Booking) == 0
    assert ledger.balance(ana.id) == CC


def test_booking_a_class_that_started_is_refused(db, desk, as_desk, clock):
    cs = desk.session(starts_in=timedelta(hours=1))
    ana = desk.member(credits=5)
    clock(NOW + timedelta(hours=2))

    response = book(as_desk, cs, ana.email)

    assert form_error_text(response) == "This class has already started."
    assert count(db, Booking) == 0


def test_desk_books_a_walk_in_after_the_member_booking_window_closed(db, desk, as_desk):
    cs = desk.session(starts_in=timedelta(minutes=10))  # members' window closed 20 min ago
    ana = desk.member(credits=5)

    book(as_desk, cs, ana.email)

    assert [b.member_id for b in desk.bookings_of(cs)] == [ana.id]


# ---- cancelling -------------------------------------------------------------


def test_cancel_with_full_refund_gives_every_credit_back_even_when_late(db, desk, as_desk):
    cs = desk.session(credits=2, starts_in=timedelta(hours=3))  # policy: nothing back
    ana = desk.member(credits=5, name="Ana López")
    booking = booked(desk, cs, ana)

    response = cancel(as_desk, booking, "full")

    assert flashes(response) == ["Ana López's booking is cancelled; 2 credits given back."]
    booking = fresh(db, Booking, booking.id)
    assert (booking.status, booking.refunded_cc) == (BookingStatus.CANCELLED, 2 * CC)
    assert ledger_kinds(db, booking) == [(EntryKind.SPEND, -2 * CC), (EntryKind.REFUND, 2 * CC)]
    assert ledger.balance(ana.id) == 5 * CC
    assert count(db, Strike) == 0
    [entry] = audit_of(db, "booking.cancelled")
    assert entry.actor.role is Role.FRONT_DESK and entry.after["refunded_cc"] == 2 * CC


def test_cancel_with_no_refund_forfeits_the_credits_even_when_early(db, desk, as_admin):
    cs = desk.session(credits=2)  # two days ahead: policy gives everything back
    ana = desk.member(credits=5, name="Ana López")
    booking = booked(desk, cs, ana)

    response = cancel(as_admin, booking, "none")

    assert flashes(response) == ["Ana López's booking is cancelled; no credits given back."]
    assert fresh(db, Booking, booking.id).status is BookingStatus.CANCELLED
    assert ledger_kinds(db, booking) == [(EntryKind.SPEND, -2 * CC), (EntryKind.FORFEIT, 0)]
    assert ledger.balance(ana.id) == 3 * CC
    assert count(db, Strike) == 0


def test_cancel_by_policy_early_refunds_everything(db, desk, as_desk):
    cs = desk.session(credits=2)
    ana = desk.member(credits=5)
    booking = booked(desk, cs, ana)

    cancel(as_desk, booking, "policy")

    assert ledger_kinds(db, booking)[-1] == (EntryKind.REFUND, 2 * CC)
    assert ledger.balance(ana.id) == 5 * CC
    assert count(db, Strike) == 0


def test_cancel_by_policy_late_forfeits_and_records_a_strike(db, desk, as_desk):
    cs = desk.session(credits=2, starts_in=timedelta(hours=3))
    ana = desk.member(credits=5)
    booking = booked(desk, cs, ana)

    cancel(as_desk, booking, "policy")

    assert ledger_kinds(db, booking)[-1] == (EntryKind.FORFEIT, 0)
    assert ledger.balance(ana.id) == 3 * CC
    [strike] = db.session.scalars(select(Strike)).all()
    assert (strike.member_id, strike.kind) == (ana.id, StrikeKind.LATE_CANCEL)


def test_cancel_an_already_cancelled_booking_says_so(db, desk, as_desk):
    cs = desk.session(credits=2)
    booking = booked(desk, cs, desk.member(credits=5))
    cancel(as_desk, booking, "full")

    response = cancel(as_desk, booking, "none")

    assert flashes(response) == ["This booking is already cancelled."]
    assert ledger_kinds(db, booking)[-1] == (EntryKind.REFUND, 2 * CC)


def test_cancel_with_an_unknown_refund_choice_changes_nothing(db, desk, as_desk):
    cs = desk.session()
    booking = booked(desk, cs, desk.member(credits=5))

    response = cancel(as_desk, booking, "double")

    assert flashes(response) == ["Choose how to settle the credits."]
    assert fresh(db, Booking, booking.id).is_active


def test_cancel_a_missing_booking_is_404(as_desk):
    response = post_form(as_desk, "/admin/bookings/999999/cancel", token_from="/admin/")

    assert response.status_code == 404


# ---- no-shows ---------------------------------------------------------------


def test_no_show_forfeits_the_credits_and_records_a_strike(db, desk, as_desk, clock):
    cs = desk.session(credits=2, starts_in=timedelta(hours=1))
    ana = desk.member(credits=5, name="Ana López")
    booking = booked(desk, cs, ana)
    clock(NOW + timedelta(hours=2))

    response = post_form(
        as_desk,
        f"/admin/bookings/{booking.id}/no-show",
        token_from=f"/admin/sessions/{cs.id}/roster",
        follow_redirects=True,
    )

    assert flashes(response) == ["Ana López is marked as a no-show."]
    assert fresh(db, Booking, booking.id).status is BookingStatus.NO_SHOW
    assert ledger_kinds(db, booking) == [(EntryKind.SPEND, -2 * CC), (EntryKind.FORFEIT, 0)]
    [strike] = db.session.scalars(select(Strike)).all()
    assert (strike.member_id, strike.kind) == (ana.id, StrikeKind.NO_SHOW)
    [entry] = audit_of(db, "booking.no_show")
    assert entry.actor.role is Role.FRONT_DESK


def test_no_show_of_a_cancelled_booking_is_refused(db, desk, as_desk):
    cs = desk.session()
    booking = booked(desk, cs, desk.member(credits=5))
    cancel(as_desk, booking, "full")

    response = post_form(
        as_desk,
        f"/admin/bookings/{booking.id}/no-show",
        token_from=f"/admin/sessions/{cs.id}/roster",
        follow_redirects=True,
    )

    assert flashes(response) == ["We couldn't find that booking."]
    assert count(db, Strike) == 0


# ---- who may -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MEMBER, Role.TRAINER])
def test_booking_tools_are_refused_to_members_and_trainers(
    db, desk, client, login, factories, role
):
    cs = desk.session()
    ana = desk.member(credits=5)
    booking = booked(desk, cs, ana)
    login(factories.user(role))
    token = {"token_from": "/password/forgot"}

    answers = [
        post_form(client, f"/admin/sessions/{cs.id}/bookings", {"member": ana.email}, **token),
        post_form(client, f"/admin/bookings/{booking.id}/cancel", {"refund": "full"}, **token),
        post_form(client, f"/admin/bookings/{booking.id}/no-show", **token),
    ]

    assert [r.status_code for r in answers] == [403, 403, 403]
    assert fresh(db, Booking, booking.id).is_active
    assert count(db, Booking) == 1 and count(db, Strike) == 0
    assert ledger.balance(ana.id) == 4 * CC
