"""The reminder's "Can't make it?" link, end to end: the reminder job runs,
a real SMTP server (aiosmtpd) receives the email, and the member opens its
link on a phone, signed out, and cancels in one tap."""

import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.booking.models import Booking, BookingStatus
from app.booking.services.bookings import book_now
from app.booking.services.reminders import send_reminders
from app.core.clock import local_date
from app.core.db import transaction
from app.core.models import utc_now
from app.demo import DEMO_PASSWORD
from app.extensions import db, mail
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.scheduling.models import ClassSession, ClassType, Room
from app.settings.models import DEFAULTS
from app.trainers.models import Trainer
from tests.smtp import Inbox, _free_port

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
LINK = re.compile(r"https?://[^\s\"<>]+/bookings/cancel/[\w.\-]+")


@pytest.fixture
def mailbox(live_app):
    """aiosmtpd on a free port, and the live app's mail pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {name: live_app.config.get(name) for name in ("MAIL_SERVER", "MAIL_PORT")}
    live_app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_SUPPRESS_SEND=False,
    )
    live_app.extensions["mail"] = mail.init_mail(live_app.config)
    try:
        yield inbox
    finally:
        controller.stop()
        live_app.config.update(saved, MAIL_SUPPRESS_SEND=True)
        live_app.extensions["mail"] = mail.init_mail(live_app.config)


@pytest.fixture
def booked_tomorrow(live_app):
    """A Spanish-speaking member booked three days ago into a class 20 hours away."""
    with live_app.app_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            member = User(
                email=f"reminded-{tag}@example.com",
                name=f"Lucía {tag}",
                role=Role.MEMBER,
                language="es",
                password_hash=hash_password(DEMO_PASSWORD),
            )
            class_type = ClassType(name=f"Spinning {tag}", default_capacity=8, credits_required=1)
            room = Room(name=f"Sala {tag}", capacity=8)
            trainer = db.session.scalars(select(Trainer).order_by(Trainer.id)).first()
            starts_at = (utc_now() + timedelta(hours=20)).replace(second=0, microsecond=0)
            cs = ClassSession(
                class_type=class_type,
                trainer=trainer,
                room=room,
                capacity=8,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                occurs_on=local_date(starts_at, ZoneInfo(DEFAULTS["timezone"])),
            )
            db.session.add_all([member, class_type, room, cs])
            db.session.flush()
            ledger.grant(
                member.id, 3 * CC, utc_now() + timedelta(days=30), source=LotSource.PURCHASE
            )
        booking = book_now(cs.id, member, actor=member)
        with transaction():
            db.session.get(Booking, booking.id).booked_at = utc_now() - timedelta(days=3)
        info = {"booking_id": booking.id, "email": member.email, "class": class_type.name}
        db.session.remove()
    return info


def test_the_member_cancels_from_the_reminder_link_signed_out(
    live_app, live_server, mailbox, booked_tomorrow, new_context, screenshot
):
    with live_app.app_context():
        send_reminders()  # the job: the email goes out through the outbox
        db.session.remove()
    [message] = [
        m
        for to, m in mailbox.messages
        if to == [booked_tomorrow["email"]] and "recordatorio" in m["Subject"].lower()
    ]
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = LINK.search(text).group(0)
    assert link.startswith(live_server)

    english = new_context(**PHONE)  # the reader chose English on this phone: it wins
    english.add_cookies([{"name": "cupo_lang", "value": "en", "url": live_server}])
    in_english = english.new_page()
    in_english.goto(link)
    expect(in_english.locator("h1")).to_have_text("Can't make it?")
    expect(in_english.locator("#cancel-terms")).to_contain_text("You get 0.5 of your 1 credit back")
    in_english.screenshot(
        path=str(screenshot(in_english).with_name("reminder_link_375_en.png")), full_page=True
    )

    page = new_context(**PHONE).new_page()  # signed out
    page.goto(link)
    expect(page.locator("h1")).to_have_text("¿No puedes venir?")
    expect(page.locator("main")).to_contain_text(booked_tomorrow["class"])
    expect(page.locator("#cancel-terms")).to_contain_text("Te devolvemos")
    page.screenshot(
        path=str(screenshot(page).with_name("reminder_link_375_es.png")), full_page=True
    )
    page.locator("#confirm-cancel").click()

    expect(page.locator("#cancel-outcome")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Tu reservación está cancelada")
    page.screenshot(
        path=str(screenshot(page).with_name("reminder_link_cancelled_375_es.png")), full_page=True
    )
    with live_app.app_context():
        booking = db.session.get(Booking, booked_tomorrow["booking_id"])
        assert booking.status is BookingStatus.CANCELLED and booking.refunded_cc == 50
        db.session.remove()
    page.goto(link)
    expect(page.locator("#cancel-problem")).to_contain_text("ya está cancelada")
