"""Self check-in in a real browser: the member's phone camera (Chromium's fake
camera playing a Y4M of the door code) reads the kiosk's door code and checks
them in; a photographed, expired code and a member without a booking get
their clear messages.

Each scenario launches its own Chromium, since the fake camera's video is a
launch flag; the video is made just before, so its code is current. The live
server runs on real time: the class starts twenty minutes from now (check-in
opens an hour before the start).
"""

import re
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.attendance import door
from app.attendance.models import CheckIn, CheckInMethod, ScanAttempt
from app.attendance.tokens import qr_png
from app.booking.services.bookings import book_now
from app.core.clock import local_date
from app.core.db import transaction
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.extensions import db
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.scheduling.models import ClassSession, ClassType, Room
from app.trainers.models import Trainer
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe
from tests.e2e.test_scanner import _user, qr_video

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def booked_member(live_app):
    """A class starting in 20 minutes and a member booked in."""
    with live_app.app_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            trainer = Trainer(user=_user(Role.TRAINER, f"Coach {tag}", tag))
            member = _user(Role.MEMBER, f"Lucía Door {tag}", tag)
            class_type = ClassType(name=f"Yoga {tag}", default_capacity=10, credits_required=1)
            room = Room(name=f"Estudio {tag}", capacity=10)
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
            "email": member.email,
            "member_id": member.id,
            "class_name": class_type.name,
            "booking_id": booking.id,
        }
        db.session.remove()
    return info


@pytest.fixture
def unbooked_member(live_app):
    with live_app.app_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            member = _user(Role.MEMBER, f"Mateo Nobook {tag}", tag)
        email = member.email
        db.session.remove()
    return email


@pytest.fixture
def phone_with_camera(playwright, browser, live_app, live_server, tmp_path):
    """phone_with_camera(shown_at): a 375 px phone whose camera films the
    kiosk's door code as it was at `shown_at` (or the QR image `png`)."""

    @contextmanager
    def launch(shown_at, png=None):
        if png is None:
            with live_app.app_context():
                png = door.qr_png(door.GYM, shown_at)
        video = qr_video(png, tmp_path / f"door-{uuid.uuid4().hex[:6]}.y4m")
        camera = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        context = camera.new_context(
            base_url=live_server,
            viewport=PHONE,
            locale="es-MX",
            permissions=["camera"],
            has_touch=True,
            is_mobile=True,
        )
        context.set_default_timeout(10_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            camera.close()

    return launch


def _scan_at_the_door(page, email):
    sign_in(page, email)
    page.goto("/app/")
    page.locator("#self-checkin-link").click()
    expect(page).to_have_url(f"{page.url.split('/app/')[0]}/app/check-in")
    result = page.locator("#door-result [data-result]")
    expect(result).to_be_visible(timeout=20_000)
    return result


def test_a_booked_member_scans_the_door_code_and_is_checked_in(
    phone_with_camera, booked_member, live_app, screenshot
):
    with phone_with_camera(utc_now()) as page:
        result = _scan_at_the_door(page, booked_member["email"])

        expect(result).to_have_attribute("data-result", "ok")
        expect(result).to_have_attribute("data-code", "checked_in")
        expect(result.locator("[data-class-name]")).to_have_text(booked_member["class_name"])
        expect(result).to_contain_text("Te damos la bienvenida")
        # the camera is off once the code was read
        assert page.evaluate("document.querySelector('[data-camera] video').srcObject") is None
        screenshot(page)

    with live_app.app_context():
        check_in = db.session.scalar(
            select(CheckIn).where(CheckIn.booking_id == booked_member["booking_id"])
        )
        assert check_in is not None and check_in.method is CheckInMethod.DOOR
        db.session.remove()


def test_a_photo_of_the_door_code_from_five_minutes_ago_has_expired(
    phone_with_camera, booked_member, live_app, screenshot
):
    with phone_with_camera(utc_now() - timedelta(minutes=5)) as page:
        result = _scan_at_the_door(page, booked_member["email"])

        expect(result).to_have_attribute("data-result", "error")
        expect(result).to_have_attribute("data-code", "code_expired")
        expect(result.locator("[data-reason]")).to_have_text(
            "Este código de entrada ya venció. Vuelve a escanear el código de la pantalla: "
            "cambia cada 30 segundos."
        )
        expect(page.locator("[data-scan-again]")).to_be_visible()
        screenshot(page)

    with live_app.app_context():
        assert (
            db.session.scalar(
                select(CheckIn).where(CheckIn.booking_id == booked_member["booking_id"])
            )
            is None
        )
        db.session.remove()


def test_a_member_without_a_booking_is_told_so(phone_with_camera, unbooked_member, screenshot):
    with phone_with_camera(utc_now()) as page:
        result = _scan_at_the_door(page, unbooked_member)

        expect(result).to_have_attribute("data-code", "no_booking")
        expect(result.locator("[data-reason]")).to_have_text(
            "Ahora no tienes ninguna reservación para registrar tu entrada. "
            "Reserva una clase en la app o pregunta en recepción."
        )
        screenshot(page)


def test_another_qr_code_is_answered_on_the_phone_without_a_request(
    phone_with_camera, booked_member, live_app, screenshot
):
    with live_app.app_context():
        pass_png = qr_png(booked_member["booking_id"])
    with phone_with_camera(None, png=pass_png) as page:
        sign_in(page, booked_member["email"])
        page.goto("/app/check-in")
        expect(page.locator("[data-camera] video")).to_be_visible()
        expect(page.locator("[data-status]")).to_have_text(
            "Ese no es el código de entrada. Busca el código en la pantalla de la entrada."
        )
        expect(page.locator("#door-result [data-result]")).to_have_count(0)
        screenshot(page)

    with live_app.app_context():  # nothing was sent to the server
        scans = select(ScanAttempt).where(ScanAttempt.scanner_id == booked_member["member_id"])
        assert db.session.scalar(scans) is None
        db.session.remove()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "desktop"])
def test_the_door_code_screens_pass_axe_and_rotate_without_overflowing(
    new_context, viewport, screenshot
):
    """A room's display and the kiosk's door-code panel: no axe violations, no
    sideways scrolling, and the script keeps the code's image fresh."""
    page = new_context(viewport=viewport).new_page()
    sign_in(page, "recepcion@cupo.demo")
    page.goto("/desk/kiosk")
    page.locator("[data-room-door]").first.click()
    image = page.locator("[data-door-img]")
    expect(image).to_have_attribute("src", re.compile(r"^blob:"))  # fetched by door_code.js
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert not (violations := run_axe(page)), describe(violations)

    page.goto("/desk/kiosk")
    page.locator("form[action$='/desk/kiosk/start'] button").click()
    panel = page.locator("#door-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-door-img]")).to_have_attribute("src", re.compile(r"^blob:"))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert not (violations := run_axe(page)), describe(violations)
    screenshot(page)


def test_a_room_display_that_loses_the_server_hides_its_code_once_it_stops_working(
    new_context,
):
    page = new_context(viewport=PHONE).new_page()
    page.clock.install()
    sign_in(page, "recepcion@cupo.demo")
    page.goto("/desk/kiosk")
    page.locator("[data-room-door]").first.click()
    box = page.locator("[data-door-code]")
    expect(box.locator("[data-door-img]")).to_have_attribute("src", re.compile(r"^blob:"))

    page.route("**/door.png*", lambda route: route.abort())  # the server is gone
    page.clock.run_for(25_000)
    expect(box).not_to_have_class(re.compile("door-code-stale"))  # still a working code
    page.clock.run_for(65_000)
    expect(box).to_have_class(re.compile("door-code-stale"))
    expect(box.locator("[data-door-lost]")).to_have_text(
        "No se pudo actualizar el código. Revisa la conexión; mientras tanto, "
        "los socios pueden registrar su entrada en recepción."
    )

    page.unroute("**/door.png*")  # back: the next try shows a fresh code
    page.clock.run_for(6_000)
    expect(box).not_to_have_class(re.compile("door-code-stale"))
    expect(box.locator("[data-door-lost]")).to_have_text("")
