"""Leads end to end: a visitor on a phone applies at /join; an admin finds
the lead in the inbox and converts it into a member."""

import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.leads.models import Lead, LeadStatus
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
ADMIN = "admin@cupo.demo"


def test_a_visitor_applies_and_an_admin_converts_the_lead(live_app, new_context):
    tag = uuid.uuid4().hex[:6]
    email = f"visitor-{tag}@example.com"
    name = f"Vera Visitor {tag}"

    visitor = new_context(viewport=PHONE).new_page()
    visitor.goto("/")
    visitor.locator("a[href='/join']").click()
    visitor.locator("#name").fill(name)
    visitor.locator("#email").fill(email)
    visitor.locator("#phone").fill("555 0199")
    visitor.locator("#interest").select_option("classes")
    visitor.locator("#message").fill("¿Hay clases de yoga?")
    visitor.locator("#consent").check()
    visitor.locator("main form button[type=submit]").click()
    expect(visitor).to_have_url(f"{visitor.url.split('/join')[0]}/join/thanks")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    admin = new_context().new_page()
    sign_in(admin, ADMIN)
    admin.goto(f"/admin/leads?q={tag}")
    admin.get_by_role("link", name=name).click()
    admin.locator("form[action$='/convert'] button[type=submit]").click()
    expect(admin.locator(".alert-success")).to_be_visible()

    with live_app.app_context():
        lead = db.session.scalar(select(Lead).where(Lead.email == email))
        member = db.session.scalar(select(User).where(User.email == email))
        assert member is not None and member.role is Role.MEMBER
        assert (lead.status, lead.member_id) == (LeadStatus.CONVERTED, member.id)
        db.session.remove()
