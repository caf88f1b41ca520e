"""The check-in scanner in a real browser: a QR code in front of a (fake)
camera checks the member in; the short code typed by hand does too; a wrong
code gets the red card.

The fake camera is Chromium's: a Y4M video of the booking's QR code, played
in a loop by a second Chromium launched with the fake-media flags. The live
server runs on real time, so the class starts twenty minutes from now
(check-in opens an hour before the start).
"""

import io
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.attendance.tokens import qr_png, short_code
from app.booking.services.bookings import book_now
from app.core.clock import local_date
from app.core.db import transaction
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.scheduling.models import ClassSession, ClassType, Room
from app.trainers.models import Trainer
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 640, 480


def _user(role: Role, name: str, tag: str) -> User:
    user = User(
        email=f"{role.value}-{tag}@example.com",
        name=name,
        role=role,
        language="es",
        password_hash=hash_password(DEMO_PASSWORD),
    )
    db.session.add(user)
    return user


@pytest.fixture
def at_the_door(live_app):
    """A class starting in 20 minutes, its trainer, and a member booked in."""
    with live_app.app_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            trainer = Trainer(user=_user(Role.TRAINER, f"Coach {tag}", tag))
            member = _user(Role.MEMBER, f"Valeria Scan {tag}", tag)
            class_type = ClassType(name=f"Spinning {tag}", default_capacity=10, credits_required=1)
            room = Room(name=f"Sala {tag}", capacity=10)
            starts_at = utc_now().replace(second=0, microsecond=0) + timedelta(minutes=20)
            cs = ClassSession(
                class_type=class_type,
                trainer=trainer,
                room=room,
                capacity=10,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                occurs_on=local_date(starts_at, gym_zone()),
            )
            db.session.add_all([trainer, class_type, room, cs])
            db.session.flush()
            ledger.grant(
                member.id, 2 * CC, utc_now() + timedelta(days=30), source=LotSource.PURCHASE
            )
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
        booking = book_now(cs.id, member, actor=admin)
        info = {
            "trainer": trainer.user.email,
            "member": member.name,
            "session_id": cs.id,
            "qr_png": qr_png(booking.id),
            "short_code": short_code(booking.id),
        }
        db.session.remove()
    return info


def qr_video(png: bytes, path: Path, frames: int = 10) -> Path:
    """A YUV4MPEG2 (4:2:0) video of the QR code centred on white, `frames` long."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    code = Image.open(io.BytesIO(png)).convert("RGB")
    canvas.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    chroma = [plane.resize((WIDTH // 2, HEIGHT // 2), Image.BILINEAR) for plane in (cb, cr)]
    frame = b"FRAME\n" + y.tobytes() + b"".join(plane.tobytes() for plane in chroma)
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * frames)
    return path


@pytest.fixture
def camera_browser(playwright, browser, tmp_path, at_the_door):
    """A Chromium whose camera shows the booking's QR code."""
    video = qr_video(at_the_door["qr_png"], tmp_path / "qr.y4m")
    camera = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        yield camera
    finally:
        camera.close()


def test_trainer_scans_the_members_qr_with_the_camera(
    live_server, camera_browser, at_the_door, screenshot
):
    context = camera_browser.new_context(
        base_url=live_server, viewport=DESKTOP, locale="es-MX", permissions=["camera"]
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, at_the_door["trainer"])
        page.goto("/trainer/scan")
        expect(page.locator(f"[data-session-link='{at_the_door['session_id']}']")).to_be_visible()
        expect(page.locator("[data-camera] video")).to_be_visible()

        result = page.locator("#scan-result [data-result]")
        expect(result).to_have_attribute("data-result", "ok", timeout=15_000)
        expect(result.locator("[data-member-name]")).to_have_text(at_the_door["member"])
        screenshot(page)

        # The camera keeps running; the same QR, still in view, is not sent again.
        page.wait_for_timeout(1_000)
        expect(result).to_have_attribute("data-code", "checked_in")
        assert page.evaluate("document.querySelector('[data-camera] video').srcObject.active")
    finally:
        context.close()


def test_desk_types_the_short_code_when_there_is_no_camera(new_context, at_the_door):
    page = new_context().new_page()
    sign_in(page, "recepcion@cupo.demo")
    page.goto("/admin/scan")
    status = page.locator("[data-status]")
    expect(status).to_have_text(re.compile(r"\S"))
    expect(page.locator("#code")).to_be_focused()  # the camera failed: type instead

    page.locator("#code").fill("ZZZZ-ZZZZ")
    page.locator("[data-scan-form] button[type=submit]").click()
    result = page.locator("#scan-result [data-result]")
    expect(result).to_have_attribute("data-result", "error")
    expect(result).to_have_attribute("data-code", "unknown")

    page.locator("#code").fill(at_the_door["short_code"].lower())
    page.keyboard.press("Enter")
    expect(result).to_have_attribute("data-result", "ok")
    expect(result.locator("[data-member-name]")).to_have_text(at_the_door["member"])
    expect(page.locator("#code")).to_have_value("")
    assert page.url.endswith("/admin/scan")  # no reload

    assert not (violations := run_axe(page)), describe(violations)


def test_scanner_page_passes_axe_for_a_trainer(new_context, at_the_door):
    page = new_context().new_page()
    sign_in(page, at_the_door["trainer"])
    page.goto(f"/trainer/scan?session={at_the_door['session_id']}")
    expect(page.locator("[data-bound-session]")).to_be_visible()

    assert not (violations := run_axe(page)), describe(violations)
