"""Programs end to end: Carla builds a program on her phone and assigns it to
member1 (her client); member1, on a 375 px phone, logs a set of today's
workout (HTMX swaps the exercise's card) and sees it on her progress chart."""

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
#: where the screenshots of the member's pages go (looked at by hand)
SHOTS = Path(os.environ.get("CUPO_PROGRAMS_SHOTS", "/tmp/shots-programs"))


def _member_id(live_app, email: str) -> int:
    with live_app.app_context():
        member_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.remove()
    return member_id


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_a_trainer_builds_and_assigns_a_program_and_the_member_logs_a_set(live_app, new_context):
    name = f"E2E Fuerza {uuid.uuid4().hex[:6]}"
    member_id = _member_id(live_app, "member1@cupo.demo")

    trainer = new_context(viewport=PHONE, is_mobile=True).new_page()
    sign_in(trainer, "carla@cupo.demo")
    trainer.goto("/trainer/programs/new")
    trainer.locator("#name").fill(name)
    trainer.locator("#weeks").fill("6")
    trainer.locator("main form button[type=submit]").click()
    expect(trainer.locator("h1")).to_have_text(name)

    trainer.locator("#day-name").fill("Día A")
    trainer.locator("form[action$='/days'] button[type=submit]").click()
    trainer.locator("a[href$='/lines/new']").click()
    exercise = trainer.locator("#exercise_id option").nth(1)
    exercise_name = exercise.inner_text()
    trainer.locator("#exercise_id").select_option(exercise.get_attribute("value"))
    trainer.locator("#sets").fill("3")
    trainer.locator("#reps").fill("8-10")
    trainer.locator("#weight").fill("40")
    trainer.locator("#rest_seconds").fill("90")
    trainer.locator("main form button[type=submit]").click()
    expect(trainer.locator("main")).to_contain_text("3 × 8–10 · 40 kg")

    trainer.locator("#assign-link").click()
    trainer.locator("#member_id").select_option(str(member_id))
    trainer.locator("main form button[type=submit]").click()
    expect(trainer).to_have_url(re.compile(rf"/trainer/programs/clients/{member_id}$"))
    expect(trainer.locator("#client-programs")).to_contain_text(name)

    member = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(member, "member1@cupo.demo")
    member.locator("#my-program-link").click()
    expect(member.locator("main")).to_contain_text(name)
    expect(member.locator("#today")).to_have_text("Día A")
    card = member.locator("section.program-line").first
    card.locator("input[name=reps]").fill("0")
    card.locator("button[type=submit]").last.click()
    expect(
        card.locator("#reps-" + card.get_attribute("id").removeprefix("line-") + "-error")
    ).to_be_visible()
    card = member.locator("section.program-line").first
    card.locator("input[name=reps]").fill("9")
    card.locator("input[name=weight]").fill("42.5")
    card.locator("input[name=rpe]").fill("8")
    card.locator("button[type=submit]").last.click()
    logged = member.locator("section.program-line").first.locator(".logged-sets li")
    expect(logged).to_have_count(1)
    expect(logged.first).to_contain_text(re.compile(r"42[.,]5 kg"))
    assert member.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(member, "my-program-375.png")

    member.goto("/app/program/progress")
    expect(member.locator("#progress-list")).to_contain_text(exercise_name)
    chart = member.locator("[data-progress]")
    expect(chart).to_have_attribute("data-drawn", re.compile(r"^\d+$"))
    member.locator("[data-progress-select]").select_option(label=exercise_name)
    expect(chart).to_have_attribute("data-drawn", re.compile(r"^\d+$"))
    assert member.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(member, "progress-375.png")

    member.goto("/app/program/diet")
    expect(member.locator("#diet-chart")).to_be_visible()
    _shot(member, "diet-375.png")
