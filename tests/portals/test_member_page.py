"""The staff member page (/admin/members/<id>): every section with real data,
its actions, and who may open it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.attendance.models import CheckIn
from app.billing.models import Invoice
from app.booking.models import Booking, BookingStatus, Strike, StrikeKind
from app.core.audit import AuditEntry
from app.extensions import db as _db
from app.memberships.models import Membership, Plan, PlanKind
from app.notifications.models import SentEmail
from app.settings.models import DEFAULTS, GymSettings
from tests.accounts.support import flashes, fresh, page_text
from tests.billing.support import other, pay
from tests.booking import staff_support
from tests.booking.staff_support import NOW
from tests.conftest import post_form
from tests.queries import counting_statements
from tests.scheduling import admin_support

now = admin_support.now
desk = staff_support.desk


def page(member) -> str:
    return f"/admin/members/{member.id}"


@pytest.fixture
def clerk(factories):
    return factories.front_desk(name="Dana Desk")


@pytest.fixture
def as_clerk(client, login, clerk, now):
    login(clerk)
    return client


@pytest.fixture
def juan(desk):
    return desk.member(credits=3, name="Juan Pérez", email="juan@example.com", phone="555 0101")


def _strikes(db, desk, member, count: int, *, limit: int = 0) -> None:
    """`count` no-shows of `member` yesterday; the gym blocks booking at `limit`."""
    settings = db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
    settings.strike_limit, settings.strike_block_days = limit, 7
    db.session.add(settings)
    for _ in range(count):
        past = desk.session(starts_in=-timedelta(days=1))
        booking = desk.booking(past, member, status=BookingStatus.NO_SHOW)
        db.session.add(
            Strike(
                member_id=member.id,
                booking_id=booking.id,
                kind=StrikeKind.NO_SHOW,
                created_at=NOW - timedelta(days=1),
            )
        )
    db.session.commit()


def test_page_shows_each_section_with_real_data(as_clerk, db, desk, juan, clerk):
    yoga = desk.session(name="Yoga", starts_in=timedelta(days=1))
    spin = desk.session(name="Spinning", capacity=1, starts_in=timedelta(days=2))
    desk.booking(yoga, juan)
    desk.booking(spin)  # full
    desk.waiting(spin, juan)
    payment = pay(juan, other("Agua 1 L"), actor=clerk)
    _strikes(db, desk, juan, 2, limit=2)

    text = page_text(as_clerk.get(page(juan)))

    assert '<h1 class="page-title">Juan Pérez</h1>' in text
    assert "555 0101" in text and "juan@example.com" in text
    assert "Has 3 credits" in text
    assert "Yoga" in text and "Cancel booking" in text
    assert "Spinning" in text and "Number 1 in line" in text
    assert f'href="/admin/billing/payments/{payment.id}"' in text
    invoice_id = db.session.scalar(select(Invoice.id).where(Invoice.payment_id == payment.id))
    assert f'href="/admin/billing/invoices/{invoice_id}.pdf"' in text
    assert "Agua 1 L" in text
    assert "2 late cancellations or no-shows in the last 30 days." in text
    assert "Cannot book online until" in text
    assert f'href="/admin/billing/payments/new?member_id={juan.id}"' in text
    assert f'href="/admin/members/{juan.id}/attendance"' in text
    assert "Has no class booked today." in text


def test_page_speaks_about_a_member_with_nothing(as_clerk, factories):
    nobody = factories.member(name="Nora Nada")

    text = page_text(as_clerk.get(page(nobody)))

    for words in (
        "Has no plan.",
        "No credits",
        "Has no upcoming bookings.",
        "Is on no waitlist.",
        "Has made no payments yet.",
        "0 late cancellations or no-shows in the last 30 days.",
    ):
        assert words in text
    assert "You have" not in text and "your" not in text.lower().replace("your gym", "")


def test_page_shows_the_plan_and_when_it_ends(as_clerk, db, factories):
    member = factories.member()
    plan = Plan(name="Mensual", kind=PlanKind.UNLIMITED, price_minor=89900)
    db.session.add(
        Membership(
            member_id=member.id,
            plan=plan,
            period_start=NOW.date() - timedelta(days=3),
            period_end=NOW.date() + timedelta(days=26),
        )
    )
    db.session.commit()

    text = page_text(as_clerk.get(page(member)))

    assert "Mensual" in text and "Ends on" in text and "Renews on" not in text


def test_cancel_from_the_page_comes_back_to_it(as_clerk, db, desk, juan):
    booking = desk.booking(desk.session(name="Yoga"), juan)

    response = post_form(
        as_clerk,
        f"/admin/bookings/{booking.id}/cancel",
        {"refund": "full", "next": page(juan)},
        token_from=page(juan),
    )

    assert response.status_code == 302
    assert response.location == page(juan)
    assert fresh(db, Booking, booking.id).status is BookingStatus.CANCELLED
    after = as_clerk.get(page(juan))
    assert flashes(after) == ["Juan Pérez's booking is cancelled."]
    assert "Has no upcoming bookings." in page_text(after)


def test_cancel_ignores_a_next_that_leaves_the_site(as_clerk, desk, juan):
    booking = desk.booking(desk.session(), juan)

    response = post_form(
        as_clerk,
        f"/admin/bookings/{booking.id}/cancel",
        {"refund": "policy", "next": "https://evil.example/"},
        token_from=page(juan),
    )

    assert response.location == f"/admin/sessions/{booking.session_id}/roster"


def test_desk_checks_in_a_member_whose_class_opened(as_clerk, db, desk, juan, clerk):
    soon = desk.session(name="Box", starts_in=timedelta(minutes=30))
    booking = desk.booking(soon, juan)
    path = f"/admin/members/{juan.id}/bookings/{booking.id}/check-in"
    assert f'action="{path}"' in page_text(as_clerk.get(page(juan)))

    response = post_form(as_clerk, path, token_from=page(juan))

    assert response.location == page(juan)
    check_in = db.session.scalar(select(CheckIn).where(CheckIn.booking_id == booking.id))
    assert check_in.by_id == clerk.id
    after = as_clerk.get(page(juan))
    assert flashes(after) == ["Juan Pérez is checked in."]
    assert "Checked in at" in page_text(after)


def test_page_says_when_check_in_opens_for_a_later_class(as_clerk, desk, juan):
    desk.booking(desk.session(name="Box", starts_in=timedelta(hours=5)), juan)

    text = page_text(as_clerk.get(page(juan)))

    assert "Check-in opens at" in text
    assert "/check-in" not in text


def test_check_in_refuses_too_early_and_writes_nothing(as_clerk, db, desk, juan):
    booking = desk.booking(desk.session(starts_in=timedelta(hours=5)), juan)

    response = post_form(
        as_clerk,
        f"/admin/members/{juan.id}/bookings/{booking.id}/check-in",
        token_from=page(juan),
        follow_redirects=True,
    )

    assert flashes(response)[0].startswith("Too early: check-in opens at")
    assert db.session.scalar(select(CheckIn)) is None


def test_check_in_of_another_members_booking_is_404(as_clerk, db, desk, juan):
    theirs = desk.booking(desk.session(starts_in=timedelta(minutes=30)))

    response = post_form(
        as_clerk, f"/admin/members/{juan.id}/bookings/{theirs.id}/check-in", token_from=page(juan)
    )

    assert response.status_code == 404
    assert db.session.scalar(select(CheckIn)) is None


def test_desk_books_the_member_into_a_class_from_the_page(as_clerk, db, desk, juan):
    yoga = desk.session(name="Yoga")
    assert f'<option value="{yoga.id}">' in page_text(as_clerk.get(page(juan)))

    response = post_form(
        as_clerk, f"/admin/members/{juan.id}/book", {"session_id": yoga.id}, token_from=page(juan)
    )

    assert response.location == page(juan)
    assert [b.member_id for b in desk.bookings_of(yoga)] == [juan.id]
    assert flashes(as_clerk.get(page(juan))) == ["Juan Pérez is booked into Yoga."]


def test_an_overlapping_class_is_asked_about_then_booked_anyway(as_clerk, db, desk, juan):
    desk.booking(desk.session(name="Yoga"), juan)
    spin = desk.session(name="Spin")  # the same hour as Yoga
    path = f"/admin/members/{juan.id}/book"

    asked = post_form(as_clerk, path, {"session_id": spin.id}, token_from=page(juan))

    assert asked.status_code == 400
    assert "Juan Pérez already has Yoga" in page_text(asked) and "Book anyway" in page_text(asked)
    assert desk.bookings_of(spin) == []

    anyway = post_form(
        as_clerk, path, {"session_id": spin.id, "confirm_overlap": "1"}, token_from=page(juan)
    )

    assert anyway.location == page(juan)
    assert [b.member_id for b in desk.bookings_of(spin)] == [juan.id]


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "Choose a class."), ("999999", "Choose a class from the list."), ("x", None)],
)
def test_booking_without_a_listed_class_is_a_field_error(as_clerk, db, desk, juan, value, message):
    desk.session()

    response = post_form(
        as_clerk, f"/admin/members/{juan.id}/book", {"session_id": value}, token_from=page(juan)
    )

    assert response.status_code == 400
    assert 'id="session_id-error"' in page_text(response)
    if message:
        assert message in page_text(response)
    assert db.session.scalar(select(Booking)) is None


def test_booking_a_member_without_credits_shows_the_engines_reason(as_clerk, db, desk):
    broke = desk.member(name="Bea Broke")
    cs = desk.session(credits=1)

    response = post_form(
        as_clerk, f"/admin/members/{broke.id}/book", {"session_id": cs.id}, token_from=page(broke)
    )

    assert response.status_code == 400
    assert "credit" in page_text(response)
    assert db.session.scalar(select(Booking)) is None


def test_desk_emails_a_member_a_reset_link(as_clerk, db, juan, clerk):
    response = post_form(
        as_clerk, f"/admin/members/{juan.id}/password-reset", token_from=page(juan)
    )

    assert response.location == page(juan)
    [email] = db.session.scalars(select(SentEmail).where(SentEmail.user_id == juan.id)).all()
    assert email.template == "password_reset"
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.password_reset_sent")
    ).all()
    assert entry.actor_id == clerk.id
    assert flashes(as_clerk.get(page(juan))) == [
        "A link to choose a new password was emailed to juan@example.com."
    ]


@pytest.mark.parametrize("kind", ["trainer", "front_desk", "admin", "deleted", "missing"])
def test_page_and_actions_are_404_for_anyone_but_a_member(as_clerk, db, factories, kind):
    if kind == "missing":
        target_id = 987654
    elif kind == "deleted":
        target_id = factories.member(deleted_at=datetime(2026, 11, 1, tzinfo=UTC)).id
    else:
        target_id = getattr(factories, kind)().id
    token_page = "/admin/"

    assert as_clerk.get(f"/admin/members/{target_id}").status_code == 404
    for action in ("password-reset", "book"):
        response = post_form(
            as_clerk, f"/admin/members/{target_id}/{action}", token_from=token_page
        )
        assert response.status_code == 404
    assert db.session.scalar(select(SentEmail)) is None


def _fill(desk, db, member, clerk, count: int) -> None:
    for _ in range(count):
        desk.booking(desk.session(capacity=5), member)
        pay(member, other(), actor=clerk)


def _statements(client, member) -> int:
    _db.session.expunge_all()  # a real request starts with nothing loaded
    with counting_statements(_db.engine) as statements:
        response = client.get(page(member))
    assert response.status_code == 200
    return len(statements)


def test_page_runs_the_same_statements_for_2_and_20_bookings_and_payments(
    as_clerk, db, desk, clerk
):
    few, many = desk.member(credits=1), desk.member(credits=1)
    _fill(desk, db, few, clerk, 2)
    _fill(desk, db, many, clerk, 20)

    assert _statements(as_clerk, few) == _statements(as_clerk, many)
    assert page_text(as_clerk.get(page(many))).count("Cancel booking") == 20


def test_page_speaks_spanish_about_the_member(client, login, now, juan, factories):
    login(factories.front_desk(language="es"))
    as_clerk, nobody = client, factories.member()

    full, empty = page_text(as_clerk.get(page(juan))), page_text(as_clerk.get(page(nobody)))

    assert "Tiene 3 créditos" in full
    assert "Sin créditos" in empty and "No tiene reservaciones próximas." in empty
    assert "No tienes" not in empty and "No credits" not in empty


def test_desk_cannot_email_a_reset_link_for_a_staff_account(db, clerk, factories):
    from app.accounts.services.accounts import send_reset_link
    from app.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        send_reset_link(factories.trainer().id, actor=clerk)
    assert db.session.scalar(select(SentEmail)) is None
