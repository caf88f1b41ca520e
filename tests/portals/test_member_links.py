"""Staff pages that name a member lead to the member page; trainers' do not."""

from datetime import timedelta

import pytest

from tests.accounts.support import page_text
from tests.billing.support import other, pay
from tests.booking import staff_support
from tests.scheduling import admin_support

now = admin_support.now
desk = staff_support.desk


@pytest.fixture
def clerk(factories):
    return factories.front_desk(name="Dana Desk")


@pytest.fixture
def juan(desk):
    return desk.member(name="Juan Pérez")


def link(member) -> str:
    return f'<a href="/admin/members/{member.id}">{member.name}</a>'


def test_roster_names_link_to_the_member_page(client, login, clerk, now, desk, juan):
    cs = desk.session(capacity=1)
    desk.booking(cs, juan)
    waiting = desk.member(name="Wanda Wait")
    desk.waiting(cs, waiting)
    login(clerk)

    text = page_text(client.get(f"/admin/sessions/{cs.id}/roster"))

    assert link(juan) in text and link(waiting) in text


def test_staff_attendance_list_links_names_and_the_trainers_does_not(
    client, login, clerk, now, desk, juan
):
    cs = desk.session(starts_in=timedelta(minutes=30))
    desk.booking(cs, juan)
    login(clerk)
    assert link(juan) in page_text(client.get(f"/admin/sessions/{cs.id}/attendance"))

    login(cs.trainer.user)
    text = page_text(client.get(f"/trainer/sessions/{cs.id}/attendance"))
    assert "Juan Pérez" in text and f"/admin/members/{juan.id}" not in text


def test_payment_pages_and_people_list_link_to_the_member_page(
    client, login, clerk, now, factories, juan
):
    payment = pay(juan, other(), actor=clerk)
    login(clerk)
    assert link(juan) in page_text(client.get(f"/admin/billing/payments/{payment.id}"))
    assert link(juan) in page_text(client.get("/admin/billing/payments"))

    login(factories.admin())
    people = page_text(client.get("/admin/users/"))
    assert f'<td><a href="/admin/members/{juan.id}">' in people
    assert f'<td><a href="/admin/users/{clerk.id}">' in people


def test_dashboard_offers_the_walk_in_sign_up(client, login, clerk):
    login(clerk)

    assert 'href="/admin/members/new"' in page_text(client.get("/admin/"))
