"""A member's booking pages on a 375 px phone, in English and Spanish: the
cancel screen states the cost of a late cancel before it happens and the
flash agrees afterwards; nothing on /app/bookings sticks out of its card.

Rows are made through the booking services in the live app's database, one
fresh member and fresh classes per test, so the demo gym stays as it is.
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
from app.booking.models import Strike
from app.booking.services import waitlist
from app.booking.services.bookings import book_now, cancel_booking, place_hold
from app.core.clock import local_date
from app.core.db import transaction
from app.core.models import utc_now
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, EntryKind, LedgerEntry, LotSource
from app.scheduling.models import ClassSession, ClassType, Room
from app.settings.models import DEFAULTS, GymSettings
from app.trainers.models import Trainer
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
LATE = {
    "en": ("you lose 1 credit", "strike 1 of 3 in 30 days", "You lost 1 credit"),
    "es": ("pierdes 1 crédito", "falta 1 de 3 en 30 días", "Perdiste 1 crédito"),
}

#: everything inside a card whose box leaves the card's box, and any text cut
#: by the element it sits in (a clipped button label or badge), by more than
#: half a pixel; screen-reader-only text is clipped on purpose and skipped
OVERFLOWS = """() => {
    const outside = (r, box) => r.width && r.height && (r.left < box.left - 0.5
        || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5);
    const name = (card, el, r, box) => `${card.dataset.bookingId || card.dataset.entryId
        || card.dataset.holdId || card.id || card.className}: <${el.nodeName.toLowerCase()}>`
        + ` "${(el.textContent || '').trim().slice(0, 30)}"`
        + ` [${Math.round(r.left)}..${Math.round(r.right)}]`
        + ` in [${Math.round(box.left)}..${Math.round(box.right)}]`;
    const problems = [];
    for (const card of document.querySelectorAll('main .card')) {
        const box = card.getBoundingClientRect();
        for (const el of card.querySelectorAll('*')) {
            if (el.closest('.visually-hidden') || !el.getClientRects().length) continue;
            const r = el.getBoundingClientRect();
            if (outside(r, box)) problems.push(name(card, el, r, box));
        }
        const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
        for (let text = walker.nextNode(); text; text = walker.nextNode()) {
            const parent = text.parentElement;
            if (!text.textContent.trim() || parent.closest('.visually-hidden')) continue;
            if (!parent.getClientRects().length) continue;
            const range = document.createRange();
            range.selectNodeContents(text);
            const r = range.getBoundingClientRect();
            const own = parent.getBoundingClientRect();
            if (outside(r, box) || outside(r, own)) problems.push(name(card, text, r, own));
        }
    }
    return problems;
}"""


def _member(language: str, credits: int = 5) -> User:
    user = User(
        email=f"truth-{language}-{uuid.uuid4().hex[:8]}@example.com",
        name=f"Socia {language} {uuid.uuid4().hex[:4]}",
        role=Role.MEMBER,
        language=language,
        password_hash=hash_password(DEMO_PASSWORD),
    )
    db.session.add(user)
    db.session.flush()
    ledger.grant(user.id, credits * CC, utc_now() + timedelta(days=30), source=LotSource.PURCHASE)
    return user


def _class(name: str, starts_at, capacity: int = 5) -> ClassSession:
    tag = uuid.uuid4().hex[:6]
    class_type = ClassType(name=f"{name} {tag}", default_capacity=capacity, credits_required=1)
    room = Room(name=f"Sala {tag}", capacity=capacity)
    trainer = db.session.scalars(select(Trainer).order_by(Trainer.id)).first()
    cs = ClassSession(
        class_type=class_type,
        trainer=trainer,
        room=room,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        occurs_on=local_date(starts_at, ZoneInfo(DEFAULTS["timezone"])),
    )
    db.session.add_all([class_type, room, cs])
    db.session.flush()
    return cs


def _strike_limit(limit: int) -> None:
    with transaction():
        settings = db.session.get(GymSettings, 1)
        settings.strike_limit, settings.strike_block_days = limit, 7


@pytest.fixture
def strikes_count(live_app):
    """The live gym blocks booking at 3 strikes for this test."""
    with live_app.app_context():
        before = db.session.get(GymSettings, 1).strike_limit
        _strike_limit(3)
        db.session.remove()
    yield
    with live_app.app_context():
        _strike_limit(before)
        db.session.remove()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_late_cancel_states_its_cost_first_and_the_flash_agrees(
    live_app, strikes_count, new_context, language
):
    with live_app.app_context():
        with transaction():
            member = _member(language)
            soon = (utc_now() + timedelta(hours=2)).replace(second=0, microsecond=0)
            cs = _class("Yoga", soon)
        booking = book_now(cs.id, member, actor=member)
        email, booking_id = member.email, booking.id
        db.session.remove()
    lose, strike, lost = LATE[language]

    page = new_context(**PHONE).new_page()
    sign_in(page, email)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto("/app/bookings")
    page.locator(f"li[data-booking-id='{booking_id}'] a[data-action=cancel]").click()
    terms = page.locator("#cancel-terms")
    expect(terms).to_contain_text(lose)
    expect(terms).to_contain_text(strike)
    notice = terms.inner_text()
    assert not (violations := run_axe(page)), describe(violations)
    page.screenshot(path=str(ARTIFACTS / f"late_cancel_terms_{language}.png"), full_page=True)
    page.locator("#confirm-cancel").click()

    outcome = page.locator("main .alert-warning").last
    expect(outcome).to_contain_text(lost)
    expect(outcome).to_contain_text(strike)
    page.screenshot(path=str(ARTIFACTS / f"late_cancel_done_{language}.png"), full_page=True)
    assert strike in notice
    with live_app.app_context():
        kinds = db.session.scalars(
            select(LedgerEntry.kind).where(LedgerEntry.booking_id == booking_id)
        ).all()
        struck = db.session.scalar(select(Strike.id).where(Strike.booking_id == booking_id))
        db.session.remove()
    assert kinds == [EntryKind.SPEND, EntryKind.FORFEIT]
    assert struck is not None


@pytest.mark.parametrize("language", ["en", "es"])
def test_nothing_on_my_bookings_overflows_its_card_at_375_px(live_app, new_context, language):
    """A waitlist offer, a held spot, two bookings (Show QR), a waitlist
    place (its badge) and the history: every descendant's box inside its card."""
    with live_app.app_context():
        with transaction():
            member, other = _member(language), _member("es")
            base = (utc_now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
            names = "Entrenamiento funcional de alta intensidad"
            booked = [_class(names, base), _class("Box", base + timedelta(hours=2))]
            held = _class("Pilates reformer avanzado", base + timedelta(hours=4))
            full = _class("Spinning en la terraza", base + timedelta(hours=6), capacity=1)
            offered = _class("Yoga restaurativo", base + timedelta(hours=8), capacity=1)
        for cs in booked:
            book_now(cs.id, member, actor=member)
        place_hold(held.id, member, actor=member)
        book_now(full.id, other, actor=other)
        waitlist.join_waitlist(full.id, member, actor=member)
        theirs = book_now(offered.id, other, actor=other)
        waitlist.join_waitlist(offered.id, member, actor=member)
        cancel_booking(theirs.id, other, actor=other)  # the spot is offered to `member`
        gone = book_now(_later_class().id, member, actor=member)
        cancel_booking(gone.id, member, actor=member)  # in the history, cancelled
        email = member.email
        db.session.remove()

    page = new_context(**PHONE).new_page()
    sign_in(page, email)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto("/app/bookings")

    expect(page.locator("main .card").first).to_have_attribute("data-offer", "")
    expect(page.locator("#my-offers .hold-countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(page.locator("#my-upcoming a[data-action=show-qr]")).to_have_count(2)
    expect(page.locator("#my-waitlist .badge")).to_have_count(1)
    expect(page.locator("#my-holds li")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / f"my_bookings_375_{language}.png"), full_page=True)
    assert page.evaluate(OVERFLOWS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not (violations := run_axe(page)), describe(violations)


def _later_class() -> ClassSession:
    with transaction():
        return _class("Cancelada", utc_now() + timedelta(days=2, hours=3))


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_home_shows_the_offer_first_and_its_cards_line_up_at_375_px(
    live_app, new_context, language
):
    with live_app.app_context():
        with transaction():
            member, other = _member(language), _member("es")
            base = (utc_now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
            booked = _class("Entrenamiento funcional de alta intensidad", base)
            offered = _class("Yoga restaurativo", base + timedelta(hours=3), capacity=1)
        book_now(booked.id, member, actor=member)
        theirs = book_now(offered.id, other, actor=other)
        waitlist.join_waitlist(offered.id, member, actor=member)
        cancel_booking(theirs.id, other, actor=other)  # the spot is offered to `member`
        email = member.email
        db.session.remove()

    page = new_context(**PHONE).new_page()
    sign_in(page, email)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto("/app/")

    first = page.locator("main .card").first
    expect(first).to_have_attribute("data-offer", "")
    expect(first.locator(".hold-countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    page.screenshot(path=str(ARTIFACTS / f"home_offer_375_{language}.png"), full_page=True)
    assert page.evaluate(OVERFLOWS) == []
    lefts = page.evaluate(
        "() => [...document.querySelectorAll('main > .card, main > a.card')]"
        ".filter(card => !card.hidden)"  # the install card waits for the browser's offer
        ".map(card => card.getBoundingClientRect().left)"
    )
    assert len(lefts) >= 4 and len(set(lefts)) == 1, lefts

    first.locator("form[data-action=confirm] button").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("main [data-offer]")).to_have_count(0)


def test_an_overlapping_class_asks_before_booking_it_anyway(live_app, new_context):
    with live_app.app_context():
        with transaction():
            member = _member("en")
            base = (utc_now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
            yoga = _class("Yoga", base)
            spin = _class("Spinning", base + timedelta(minutes=30))
        book_now(yoga.id, member, actor=member)
        email, spin_id, day = member.email, spin.id, spin.occurs_on.isoformat()
        db.session.remove()

    page = new_context(**PHONE).new_page()
    sign_in(page, email)
    page.goto(f"/app/schedule?date={day}")
    page.locator(f"#session-{spin_id}-actions button[data-action=book]").click()

    expect(page.locator("#overlap-question")).to_contain_text("You already have Yoga")
    expect(page.locator("#overlap-question")).to_contain_text("book anyway?")
    assert not (violations := run_axe(page)), describe(violations)
    page.locator("#book-anyway").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator(f"#session-{spin_id}-actions")).to_have_attribute(
        "data-member-state", "booked"
    )
