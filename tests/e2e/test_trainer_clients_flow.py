"""A trainer between classes, on a phone: the dashboard opens on today, the
Clients tab lists their clients, and a private note about one is kept.

Selectors use ids and data attributes (the demo trainer reads Spanish).
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.support import sign_in
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
TRAINER = "carla@cupo.demo"


def _fits(page) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"horizontal scroll: {scroll_width}px wide"


def test_a_trainer_opens_a_client_and_keeps_a_private_note_on_a_phone(new_context, screenshot):
    page = new_context(**PHONE).new_page()
    sign_in(page, TRAINER)

    page.goto("/trainer/")
    expect(page.locator("[data-testid=today]")).to_be_visible()
    expect(page.locator("[data-testid=no-shows]")).to_be_visible()
    assert not (violations := run_axe(page)), describe(violations)
    _fits(page)

    page.locator("nav.trainer-sections a[href='/trainer/clients/']").tap()
    clients = page.locator("[data-testid=clients] [data-member-id]")
    expect(clients.first).to_be_visible()
    name = clients.first.locator(".fw-bold").inner_text()
    clients.first.locator("a").tap()
    expect(page.locator("h1")).to_have_text(name)

    page.locator("#body").fill("Rodilla izquierda: sin saltos esta semana.")
    page.locator("#notes button[type=submit]").first.tap()

    expect(page.locator("#notes [data-note-id]").first).to_contain_text("Rodilla izquierda")
    assert not (violations := run_axe(page)), describe(violations)
    _fits(page)
    screenshot(page)


@pytest.fixture
def finished_class(live_app):
    """One of Carla's classes that ended an hour ago, with a member who came."""
    import uuid
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from app.accounts.models import User
    from app.core.clock import local_date
    from app.core.db import transaction
    from app.core.models import utc_now
    from app.extensions import db
    from app.scheduling.models import ClassSession, ClassType, Room
    from app.settings.models import DEFAULTS
    from app.trainers.models import Trainer

    with live_app.test_request_context():
        with transaction():
            tag = uuid.uuid4().hex[:6]
            trainer = db.session.scalar(
                select(Trainer).join(User, User.id == Trainer.user_id).where(User.email == TRAINER)
            )
            starts_at = (utc_now() - timedelta(hours=2)).replace(second=0, microsecond=0)
            cs = ClassSession(
                class_type=ClassType(name=f"Movilidad {tag}", default_capacity=8),
                trainer=trainer,
                room=Room(name=f"Sala {tag}", capacity=8),
                capacity=8,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                occurs_on=local_date(starts_at, ZoneInfo(DEFAULTS["timezone"])),
            )
            db.session.add(cs)
        day = cs.occurs_on
        db.session.remove()
    return day


def test_finished_classes_stay_readable_on_the_trainers_week(
    finished_class, new_context, screenshot
):
    page = new_context(**PHONE).new_page()
    sign_in(page, TRAINER)

    page.goto(f"/trainer/?week={finished_class.isoformat()}")

    expect(page.locator(".session-card-done").first).to_be_visible()
    assert not (violations := run_axe(page)), describe(violations)
    _fits(page)
    screenshot(page)
