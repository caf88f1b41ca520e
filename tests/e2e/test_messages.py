"""Messages end to end: a member on a phone sends a photo to the trainer of a
class they booked; the trainer's inbox (another browser) shows the unread
badge without a reload; the trainer answers; the answer appears in the
member's open thread (both by HTMX polling, every 10 s)."""

import io
import uuid
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.booking.models import Booking
from app.core.models import utc_now
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType, Room
from app.trainers.models import Trainer
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
#: a poll every 10 s, plus the time to answer
POLLED = 25_000


def _people(live_app) -> tuple[str, str, int]:
    """A member booked into a class of a new trainer: (member email, trainer email, trainer id)."""
    tag = uuid.uuid4().hex[:8]
    with live_app.app_context():
        member = User(
            email=f"texter-{tag}@example.com",
            name=f"Texter {tag}",
            role=Role.MEMBER,
            language="es",
            password_hash=hash_password(DEMO_PASSWORD),
        )
        coach = User(
            email=f"coach-{tag}@example.com",
            name=f"Coach {tag}",
            role=Role.TRAINER,
            language="en",
            password_hash=hash_password(DEMO_PASSWORD),
        )
        trainer = Trainer(user=coach)
        room = Room(name=f"Room {tag}", capacity=10)
        class_type = ClassType(name=f"Class {tag}", default_capacity=10)
        starts_at = utc_now() + timedelta(days=1)
        cs = ClassSession(
            class_type=class_type,
            trainer=trainer,
            room=room,
            occurs_on=starts_at.date(),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            capacity=10,
        )
        db.session.add_all([member, coach, trainer, room, class_type, cs])
        db.session.flush()
        db.session.add(Booking(session_id=cs.id, member_id=member.id))
        db.session.commit()
        result = member.email, coach.email, trainer.id
        db.session.remove()
    return result


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(out, "JPEG")
    return out.getvalue()


def test_member_sends_a_photo_and_the_trainer_answers_without_reloads(
    live_app, new_context, screenshot
):
    member_email, trainer_email, trainer_id = _people(live_app)
    coach = new_context(locale="en-US").new_page()
    sign_in(coach, trainer_email)
    coach.goto("/trainer/messages/")
    expect(coach.locator("#unread-total")).to_contain_text("All read")

    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, member_email)
    phone.goto("/app/messages/")
    phone.locator("a[href='/app/messages/new']").first.click()
    phone.locator("#recipient").select_option(str(trainer_id))
    phone.locator("#text").fill("¿Así está bien la postura?")
    phone.locator("#attachments").set_input_files(
        files=[{"name": "postura.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    phone.locator("form button[type=submit]").click()
    expect(phone.locator("#messages .chat-mine img.chat-photo")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # the inbox was never reloaded: its poll brings the new thread and its badge
    badge = coach.locator("#inbox .unread-badge")
    expect(badge).to_have_attribute("data-unread", "1", timeout=POLLED)
    coach.locator("#inbox a.list-group-item").first.click()
    expect(coach.locator("#messages img.chat-photo")).to_be_visible()
    coach.locator("#text").fill("Perfect, keep your back straight!")
    coach.locator("#compose button[type=submit]").click()
    expect(coach.locator("#messages .chat-mine")).to_contain_text("keep your back straight")

    # the member's open thread shows the answer by itself
    expect(phone.locator("#messages .chat-theirs")).to_contain_text(
        "Perfect, keep your back straight!", timeout=POLLED
    )
    screenshot(phone)

    # and the member's notification centre has it (read: the open thread showed it)
    phone.goto("/app/notifications")
    expect(phone.locator("#main")).to_contain_text("te escribió")  # the member reads Spanish
