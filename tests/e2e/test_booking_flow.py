"""Booking end to end: the last spot in one tap, the waitlist, a cancellation
and the priority hold it offers, confirmed from the phone.

The live server runs jobs inline, so the waitlist is promoted as soon as the
cancellation commits. Selectors use ids and data attributes (the UI is Spanish).
"""

import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.booking.models import Booking, BookingStatus
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

PHONE = {"width": 375, "height": 812}


def _member(tag: str) -> str:
    email = f"booker-{tag}-{uuid.uuid4().hex[:8]}@example.com"
    user = User(
        email=email,
        name=f"Booker {tag}",
        role=Role.MEMBER,
        language="es",
        password_hash=hash_password(DEMO_PASSWORD),
    )
    db.session.add(user)
    db.session.flush()
    ledger.grant(user.id, 5 * CC, utc_now() + timedelta(days=30), source=LotSource.PURCHASE)
    return email


@pytest.fixture
def last_spot(live_app):
    """A class tomorrow with one spot, and two members with credits (emails)."""
    with live_app.app_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            class_type = ClassType(name=f"Reformer {tag}", default_capacity=1, credits_required=1)
            room = Room(name=f"Cabina {tag}", capacity=1)
            trainer = db.session.scalars(select(Trainer).order_by(Trainer.id)).first()
            starts_at = (utc_now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
            cs = ClassSession(
                class_type=class_type,
                trainer=trainer,
                room=room,
                capacity=1,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                occurs_on=local_date(starts_at, ZoneInfo(DEFAULTS["timezone"])),
            )
            db.session.add_all([class_type, room, cs])
            first, second = _member("first"), _member("second")
        info = {"session_id": cs.id, "day": cs.occurs_on.isoformat(), "members": (first, second)}
        db.session.remove()
    return info


def test_last_spot_waitlist_cancel_and_priority_hold(live_app, last_spot, new_context, screenshot):
    session_id, day = last_spot["session_id"], last_spot["day"]
    first_email, second_email = last_spot["members"]
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True}

    # The first member books the last spot in one tap.
    first = new_context(**phone).new_page()
    sign_in(first, first_email)
    first.goto(f"/app/schedule?date={day}")
    actions = first.locator(f"#session-{session_id}-actions")
    expect(actions).to_have_attribute("data-member-state", "open")
    actions.locator("button[data-action=book]").click()
    expect(first.locator("main .alert-success")).to_be_visible()
    expect(actions).to_have_attribute("data-member-state", "booked")

    # The second finds the class full and joins the waitlist: first in line.
    second = new_context(**phone).new_page()
    sign_in(second, second_email)
    second.goto(f"/app/schedule?date={day}")
    theirs = second.locator(f"#session-{session_id}-actions")
    expect(theirs).to_have_attribute("data-member-state", "full")
    theirs.locator("button[data-action=join-waitlist]").click()
    expect(theirs).to_have_attribute("data-member-state", "waitlisted")
    expect(theirs.locator("[data-waitlist-position]")).to_have_attribute(
        "data-waitlist-position", "1"
    )

    # The first cancels, reading the consequence first.
    actions.locator("a[data-action=cancel]").click()
    expect(first).to_have_url(re.compile(r"/app/bookings/\d+/cancel\?next="))
    expect(first.locator("#cancel-terms")).to_be_visible()
    assert not (violations := run_axe(first)), describe(violations)
    first.locator("#confirm-cancel").click()
    expect(first).to_have_url(re.compile(r"/app/schedule\?date="))
    expect(first.locator("main .alert-success").first).to_be_visible()
    # the spot went straight to the waitlist, held for the second member
    expect(actions).to_have_attribute("data-member-state", "full")

    # The second sees the priority hold with a live countdown and confirms it.
    second.reload()
    expect(theirs).to_have_attribute("data-member-state", "held")
    expect(theirs.locator(".hold-countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    assert not (violations := run_axe(second)), describe(violations)
    theirs.locator("form[data-action=confirm] button").click()
    expect(second.locator("main .alert-success")).to_be_visible()
    expect(theirs).to_have_attribute("data-member-state", "booked")

    # ... and it is on their bookings page.
    second.locator(".bottom-nav a[href='/app/bookings']").click()
    expect(second.locator("#my-upcoming li[data-booking-id]")).to_have_count(1)
    assert not (violations := run_axe(second)), describe(violations)
    scroll_width = second.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"horizontal scroll: {scroll_width}px wide"
    screenshot(second)

    with live_app.app_context():
        rows = db.session.execute(
            select(User.email, Booking.status)
            .join(User, User.id == Booking.member_id)
            .where(Booking.session_id == session_id)
            .order_by(Booking.id)
        ).all()
        db.session.remove()
    assert rows == [
        (first_email, BookingStatus.CANCELLED),
        (second_email, BookingStatus.CONFIRMED),
    ]
