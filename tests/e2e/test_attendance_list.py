"""The attendance list end to end: a trainer on a phone checks a member in
with one tap; the row changes in place (HTMX) and stays so after a reload.

Selectors use ids and data attributes (the UI is Spanish).
"""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.booking.services.bookings import book_now
from app.core.clock import local_date
from app.core.db import transaction
from app.core.models import utc_now
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.scheduling.models import ClassSession, ClassType, Room
from app.settings.models import DEFAULTS
from app.trainers.models import Trainer
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
TRAINER = "carla@cupo.demo"


def _member(name: str) -> User:
    user = User(
        email=f"door-{uuid.uuid4().hex[:8]}@example.com",
        name=name,
        role=Role.MEMBER,
        language="es",
        password_hash=hash_password(DEMO_PASSWORD),
    )
    db.session.add(user)
    db.session.flush()
    ledger.grant(user.id, 2 * CC, utc_now() + timedelta(days=30), source=LotSource.PURCHASE)
    return user


@pytest.fixture
def class_soon(live_app):
    """Carla's class starting in 20 minutes (check-in is open), two members booked."""
    with live_app.test_request_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            trainer = db.session.scalar(
                select(Trainer).join(User, User.id == Trainer.user_id).where(User.email == TRAINER)
            )
            admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).limit(1))
            class_type = ClassType(name=f"Funcional {tag}", default_capacity=10, credits_required=1)
            room = Room(name=f"Sala {tag}", capacity=10)
            starts_at = (utc_now() + timedelta(minutes=20)).replace(second=0, microsecond=0)
            cs = ClassSession(
                class_type=class_type,
                trainer=trainer,
                room=room,
                capacity=10,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                occurs_on=local_date(starts_at, ZoneInfo(DEFAULTS["timezone"])),
            )
            db.session.add_all([class_type, room, cs])
            ana, ben = _member("Ana López"), _member("Benito Ruiz")
        bookings = [book_now(cs.id, person, actor=admin).id for person in (ana, ben)]
        info = {"session_id": cs.id, "bookings": bookings}
        db.session.remove()
    return info


def test_trainer_checks_a_member_in_with_one_tap_on_a_phone(class_soon, new_context, screenshot):
    first, second = class_soon["bookings"]
    page = new_context(**PHONE).new_page()
    sign_in(page, TRAINER)

    page.goto(f"/trainer/sessions/{class_soon['session_id']}/attendance")
    row = page.locator(f"#booking-{first}")
    expect(row).to_have_attribute("data-status", "expected")
    expect(page.locator("[data-count=booked]")).to_have_text("2")
    page.evaluate("window.notReloaded = true")

    row.locator("button[data-action=check-in]").tap()

    expect(row).to_have_attribute("data-status", "present")
    expect(row.locator("button[data-action=undo]")).to_be_visible()
    expect(page.locator("[data-count=present]")).to_have_text("1")
    expect(page.locator("[data-count=expected]")).to_have_text("1")
    expect(page.locator(f"#booking-{second}")).to_have_attribute("data-status", "expected")
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"
    assert not (violations := run_axe(page)), describe(violations)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"horizontal scroll: {scroll_width}px wide"
    screenshot(page)

    page.reload()
    expect(page.locator(f"#booking-{first}")).to_have_attribute("data-status", "present")
