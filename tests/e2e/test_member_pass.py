"""The member's QR at the door: on the home screen of a 375 px phone, on the
check-in pass, and the class history, all passing axe.

Rows are written straight into the live server's database (real commits).
Selectors use ids and data attributes (the UI is Spanish).
"""

import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.attendance.models import CheckIn, CheckInMethod
from app.booking.models import Booking
from app.core.clock import local_date
from app.core.db import transaction
from app.core.models import utc_now
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType, Room
from app.settings.models import DEFAULTS
from app.trainers.models import Trainer
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe
from tests.e2e.test_booking_flow import PHONE

pytestmark = pytest.mark.e2e


def _class(tag: str, trainer: Trainer, starts_at) -> ClassSession:
    class_type = ClassType(name=f"Spinning {tag}", default_capacity=5)
    room = Room(name=f"Sala {tag}", capacity=5)
    cs = ClassSession(
        class_type=class_type,
        trainer=trainer,
        room=room,
        capacity=5,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        occurs_on=local_date(starts_at, ZoneInfo(DEFAULTS["timezone"])),
    )
    db.session.add_all([class_type, room, cs])
    return cs


@pytest.fixture
def booked_member(live_app):
    """A member booked into a class in two hours, with one past class attended."""
    with live_app.app_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            member = User(
                email=f"pass-{tag}@example.com",
                name=f"Socia {tag}",
                role=Role.MEMBER,
                language="es",
                password_hash=hash_password(DEMO_PASSWORD),
            )
            # their own trainer, so no other test finds these classes on its lists
            trainer = Trainer(
                user=User(
                    email=f"coach-{tag}@example.com",
                    name=f"Coach {tag}",
                    role=Role.TRAINER,
                    password_hash=hash_password(DEMO_PASSWORD),
                )
            )
            now = utc_now().replace(second=0, microsecond=0)
            upcoming = _class(f"{tag}a", trainer, now + timedelta(hours=2))
            past = _class(f"{tag}b", trainer, now - timedelta(days=1))
            db.session.add(member)
            db.session.flush()
            booking = Booking(session=upcoming, member_id=member.id)
            attended = Booking(session=past, member_id=member.id)
            db.session.add_all([booking, attended])
            db.session.flush()
            db.session.add(
                CheckIn(
                    booking_id=attended.id,
                    session_id=past.id,
                    member_id=member.id,
                    checked_in_at=past.starts_at - timedelta(minutes=5),
                    method=CheckInMethod.LIST,
                )
            )
        info = {"email": member.email, "booking_id": booking.id, "past_id": attended.id}
        db.session.remove()
    return info


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone: {width}px"


def test_the_member_shows_the_qr_from_the_home_screen(booked_member, new_context, screenshot):
    booking_id = booked_member["booking_id"]
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, booked_member["email"])

    page.goto("/app/")
    card = page.locator("#next-class")
    expect(card).to_have_attribute("data-booking-id", str(booking_id))
    qr = card.locator(".checkin-qr img")
    expect(qr).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", qr.element_handle())
    box = qr.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["width"] >= 200, f"the QR is too small to scan: {box['width']}px"
    expect(card.locator("[data-short-code]")).to_have_text(
        re.compile(r"^[0-9A-Z]{4,}-[0-9A-Z]{4}$")
    )
    _no_sideways_scroll(page)
    assert not (violations := run_axe(page)), describe(violations)

    card.locator(f"a[href='/app/bookings/{booking_id}']").click()
    expect(page.locator(f"section[data-booking-id='{booking_id}'] .checkin-qr img")).to_be_visible()
    expect(page.locator("[data-pass-state]")).to_have_attribute("data-pass-state", "valid")
    _no_sideways_scroll(page)
    assert not (violations := run_axe(page)), describe(violations)
    screenshot(page)

    page.goto("/app/history")
    row = page.locator(f"#attendance-history [data-booking-id='{booked_member['past_id']}']")
    expect(row).to_have_attribute("data-status", "present")
    expect(page.locator("[data-figure=rate]")).to_contain_text("100")
    _no_sideways_scroll(page)
    assert not (violations := run_axe(page)), describe(violations)
