"""A member books a 1:1 with a trainer from the phone: trainer, free time,
then the booking engine's hold, confirmed on "My bookings" like any other.

The demo gives Carla weekly hours and offers "Personal training"; the
member here is a fresh one with credits. Selectors use ids and data
attributes (the UI is Spanish). Screens go to /tmp/shots-slots/.
"""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.booking.models import Booking, BookingStatus
from app.core.db import transaction
from app.core.models import utc_now
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.scheduling.models import ClassSession
from app.trainers.models import Trainer
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
SHOTS = Path("/tmp/shots-slots")


@pytest.fixture
def member_with_credits(live_app) -> str:
    with live_app.app_context():
        with transaction():
            email = f"pt-{uuid.uuid4().hex[:8]}@example.com"
            user = User(
                email=email,
                name="Paula Trainee",
                role=Role.MEMBER,
                language="es",
                password_hash=hash_password(DEMO_PASSWORD),
            )
            db.session.add(user)
            db.session.flush()
            ledger.grant(user.id, 6 * CC, utc_now() + timedelta(days=30), source=LotSource.PURCHASE)
        db.session.remove()
    return email


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_member_books_a_one_to_one_slot_on_a_phone(live_app, member_with_credits, new_context):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, member_with_credits)

    page.goto("/app/")
    page.locator("#book-trainer-link").click()
    expect(page).to_have_url(re.compile(r"/app/trainers/$"))
    _shot(page, "1-trainers")
    page.locator("#slot-trainers a", has_text="Carla Méndez").click()
    expect(page.locator("#slot-times button[data-slot]").first).to_be_visible()
    _shot(page, "2-slots")
    assert not (violations := run_axe(page)), describe(violations)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the slots page scrolls sideways ({width}px)"

    slot = page.locator("#slot-times button[data-slot]").first
    starts_at = slot.get_attribute("data-slot")
    slot.click()
    expect(page).to_have_url(re.compile(r"/app/bookings$"))
    held = page.locator("#my-holds li[data-hold-id]", has_text="Personal training")
    expect(held).to_be_visible()
    _shot(page, "3-held")

    held.locator("form[data-action=confirm] button").click()
    booked = page.locator("#my-upcoming li[data-booking-id]", has_text="Personal training")
    expect(booked).to_be_visible()
    expect(booked.locator("[data-action=show-qr]")).to_be_visible()
    _shot(page, "4-booked")

    with live_app.app_context():
        booking = db.session.scalar(
            select(Booking)
            .join(User, User.id == Booking.member_id)
            .where(User.email == member_with_credits)
        )
        session = db.session.get(ClassSession, booking.session_id)
        carla = db.session.get(Trainer, session.trainer_id)
        assert booking.status is BookingStatus.CONFIRMED and booking.credits_cc == 2 * CC
        assert (session.capacity, session.class_type.is_one_to_one) == (1, True)
        assert carla.user.email == "carla@cupo.demo"
        assert session.starts_at.isoformat() == starts_at
        db.session.remove()


def test_trainer_keeps_availability_on_a_phone(new_context):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, "carla@cupo.demo")
    page.goto("/trainer/availability")
    expect(page.locator("#availability-blocks li")).to_have_count(5)
    page.locator("#exception-on_day").fill((utc_now() + timedelta(days=20)).date().isoformat())
    page.locator("#exception-form button[type=submit]").click()
    expect(page.locator("#availability-exceptions li")).to_have_count(2)
    _shot(page, "5-trainer-availability")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the availability page scrolls sideways ({width}px)"
    assert not (violations := run_axe(page)), describe(violations)
