"""Leave end to end: a trainer on a phone previews and asks for leave; an
admin approves it, gives one class to a substitute and cancels the other;
the member booked into the first sees the new trainer's name."""

import uuid
from datetime import time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.booking.models import Booking
from app.core.clock import local_to_utc
from app.core.i18n import gym_today, gym_zone
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.scheduling.models import ClassSession, ClassType, Room
from app.trainers.models import Trainer
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
SHOTS = Path("/tmp/shots-leave")


def _gym(live_app) -> dict:
    """A trainer with two classes on one day, a member booked into the first,
    and a free substitute."""
    tag = uuid.uuid4().hex[:6]

    def person(slug, role):
        return User(
            email=f"{slug}-{tag}@example.com",
            name=f"{slug.title()} {tag}",
            role=role,
            language="en",
            password_hash=hash_password(DEMO_PASSWORD),
        )

    with live_app.app_context():
        coach, sub, member = (
            person("coach", Role.TRAINER),
            person("sub", Role.TRAINER),
            person("member", Role.MEMBER),
        )
        trainer, substitute = Trainer(user=coach), Trainer(user=sub)
        day = gym_today() + timedelta(days=5)
        sessions = []
        for hour, name in ((10, f"Yoga {tag}"), (18, f"Spin {tag}")):
            starts_at = local_to_utc(day, time(hour), gym_zone())
            sessions.append(
                ClassSession(
                    class_type=ClassType(name=name, default_capacity=10),
                    trainer=trainer,
                    room=Room(name=f"Room {hour} {tag}", capacity=10),
                    occurs_on=day,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=1),
                    capacity=10,
                )
            )
        db.session.add_all([coach, sub, member, trainer, substitute, *sessions])
        db.session.flush()
        db.session.add(Booking(session_id=sessions[0].id, member_id=member.id))
        db.session.commit()
        result = {
            "coach": coach.email,
            "member": member.email,
            "sub_name": sub.name,
            "coach_name": coach.name,
            "day": day.isoformat(),
            "yoga": sessions[0].class_type.name,
            "spin": sessions[1].class_type.name,
            "yoga_id": sessions[0].id,
            "spin_id": sessions[1].id,
        }
        db.session.remove()
    return result


def test_a_trainer_asks_an_admin_covers_and_the_member_sees_the_new_trainer(live_app, new_context):
    SHOTS.mkdir(exist_ok=True)
    gym = _gym(live_app)

    trainer_page = new_context(viewport=PHONE).new_page()
    sign_in(trainer_page, gym["coach"])
    trainer_page.goto("/trainer/leave")
    trainer_page.locator("#first_day").fill(gym["day"])
    trainer_page.locator("#last_day").fill(gym["day"])
    trainer_page.locator("#reason").fill("Family wedding")
    trainer_page.get_by_role("button", name="Preview").click()
    preview = trainer_page.get_by_test_id("leave-preview")
    expect(preview).to_contain_text(gym["yoga"])
    expect(preview).to_contain_text(gym["spin"])
    trainer_page.get_by_role("button", name="Send request").click()
    expect(trainer_page.get_by_test_id("leave-requests")).to_contain_text("Pending")
    trainer_page.screenshot(path=str(SHOTS / "trainer-leave-375.png"), full_page=True)

    admin = new_context().new_page()
    sign_in(admin, "admin@cupo.demo")
    admin.goto("/admin/staff/leave?lang=en")
    admin.get_by_role("link", name=gym["coach_name"]).first.click()
    admin.locator("#decision-comment").fill("Enjoy")
    admin.locator("button[value=approve]").click()
    expect(admin.get_by_test_id("leave-status")).to_have_text("Aprobada")
    admin.screenshot(path=str(SHOTS / "admin-cover-plan-open.png"), full_page=True)
    admin.locator(f"#sub-{gym['yoga_id']}").select_option(label=gym["sub_name"])
    admin.get_by_test_id(f"cover-row-{gym['yoga_id']}").get_by_role(
        "button", name="Suplente"
    ).click()
    expect(admin.get_by_test_id(f"cover-row-{gym['yoga_id']}")).to_contain_text(gym["sub_name"])
    admin.locator(
        f"input[type=checkbox][name='bulk-session_ids'][value='{gym['spin_id']}']"
    ).check()
    admin.locator("#bulk-reason").fill("The trainer is away")
    admin.locator("button[formaction$='/cancel']").click()
    expect(admin.get_by_test_id(f"cover-row-{gym['spin_id']}")).to_contain_text("Cancelada")
    admin.screenshot(path=str(SHOTS / "admin-cover-plan-done.png"), full_page=True)

    member = new_context(viewport=PHONE).new_page()
    sign_in(member, gym["member"])
    member.goto("/app/bookings")
    expect(member.locator("main")).to_contain_text(gym["yoga"])
    expect(member.locator("main")).to_contain_text(gym["sub_name"])
    expect(member.locator("main")).not_to_contain_text(gym["coach_name"])
