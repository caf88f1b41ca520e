"""Leads: /join writes a lead and tells staff; the inbox follows it up; convert
makes a member once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.core.audit import AuditEntry
from app.core.i18n import gym_today
from app.extensions import db as _db
from app.leads import services
from app.leads.models import Interest, Lead, LeadStatus
from tests.accounts.support import page_text
from tests.conftest import post_form
from tests.queries import counting_statements

GOOD = {
    "name": "Lena Lead",
    "email": "Lena@Example.com",
    "phone": "555 0101",
    "interest": "classes",
    "message": "Do you have yoga?",
    "consent": "y",
}


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Lead))


def _lead(db, **fields) -> Lead:
    values = {"name": "Lena Lead", "email": "lena@example.com", "interest": Interest.CLASSES}
    lead = Lead(**(values | fields))
    db.session.add(lead)
    db.session.commit()
    return lead


def test_join_writes_a_lead_and_tells_admins_and_front_desk(db, client, factories, news):
    admin = factories.admin()
    desk = factories.front_desk()
    factories.trainer()

    response = post_form(client, "/join", GOOD)

    assert response.status_code == 303
    assert response.location.endswith("/join/thanks")
    lead = db.session.scalar(select(Lead))
    assert (lead.name, lead.email, lead.interest, lead.status) == (
        "Lena Lead",
        "lena@example.com",
        Interest.CLASSES,
        LeadStatus.NEW,
    )
    told = sorted(said["user_id"] for event, said in news if event == "lead_received")
    assert told == sorted([admin.id, desk.id])
    assert "We received your request" in page_text(client.get("/join/thanks"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Enter your name."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"interest": "yachting"}, "Choose what you are interested in."),
        ({"consent": None}, "Agree to be contacted so we can answer you."),
    ],
)
def test_join_refuses_bad_input_and_writes_nothing(db, client, change, message):
    data = {k: v for k, v in (GOOD | change).items() if v is not None}

    response = post_form(client, "/join", data)

    assert response.status_code == 200
    assert message in page_text(response)
    assert _count(db) == 0


def test_join_field_errors_are_translated(db, client):
    client.set_cookie("cupo_lang", "es")
    response = post_form(client, "/join", GOOD | {"name": ""})
    assert "Escribe tu nombre." in page_text(response)
    assert _count(db) == 0


def test_a_filled_honeypot_looks_like_success_but_writes_nothing(db, client, news):
    response = post_form(client, "/join", GOOD | {"website": "http://spam.example"})

    assert response.status_code == 303
    assert _count(db) == 0
    assert news == []


def test_join_is_rate_limited_per_ip(app, db, client, monkeypatch):
    monkeypatch.setitem(app.config, "LEAD_LIMIT", "2 per hour")
    for _ in range(2):
        assert post_form(client, "/join", GOOD).status_code == 303

    assert post_form(client, "/join", GOOD).status_code == 429
    assert _count(db) == 2


def test_staff_are_emailed_about_a_new_lead(db, client, factories, outbox):
    factories.admin(email="ada@example.com")

    post_form(client, "/join", GOOD)

    [sent] = [m for m in outbox if "ada@example.com" in m.recipients]
    assert "Lena Lead asked to join" in sent.body


def test_the_applicant_is_emailed_in_their_language(db, client, outbox):
    client.set_cookie("cupo_lang", "es")

    post_form(client, "/join", GOOD)

    [sent] = [m for m in outbox if "lena@example.com" in m.recipients]
    assert "Recibimos tu solicitud" in sent.body


def test_inbox_filters_flags_members_and_counts_queries_constantly(
    app, db, client, login, factories
):
    admin = factories.admin()
    member = factories.member(email="old@example.com")
    login(admin)
    _lead(db, name="Old Friend", email="old@example.com")
    _lead(
        db,
        name="Late Larry",
        email="larry@example.com",
        status=LeadStatus.CONTACTED,
        next_follow_up=gym_today() - timedelta(days=1),
        assignee_id=admin.id,
    )

    page = page_text(client.get("/admin/leads"))
    assert "Old Friend" in page and "Already a member" in page
    overdue = page_text(client.get("/admin/leads?overdue=1"))
    assert "Late Larry" in overdue and "Old Friend" not in overdue
    by_status = page_text(client.get("/admin/leads?status=contacted"))
    assert "Late Larry" in by_status and "Old Friend" not in by_status
    searched = page_text(client.get("/admin/leads?q=friend"))
    assert "Old Friend" in searched and "Late Larry" not in searched
    assert client.get("/admin/leads?status=bogus&page=x").status_code == 200

    with counting_statements(_db.engine) as few:
        client.get("/admin/leads")
    for i in range(30):
        _lead(db, name=f"Lead {i}", email=f"lead{i}@example.com", assignee_id=admin.id)
    with counting_statements(_db.engine) as many:
        client.get("/admin/leads")
    assert len(many) == len(few)
    assert member.id


@pytest.mark.parametrize("role", ["member", "trainer"])
def test_members_and_trainers_may_not_open_the_inbox(db, client, login, factories, role):
    login(factories.user(Role(role)))
    assert client.get("/admin/leads").status_code == 403


def test_status_changes_are_saved_and_audited(db, client, login, factories):
    desk = factories.front_desk()
    lead = _lead(db)
    login(desk)
    path = f"/admin/leads/{lead.id}"
    day = gym_today() + timedelta(days=3)

    response = post_form(
        client,
        path,
        {
            "status": "contacted",
            "assignee_id": str(desk.id),
            "next_follow_up": day.isoformat(),
            "notes": "Called, will come Monday",
        },
    )

    assert response.status_code == 303
    lead = db.session.get(Lead, lead.id, populate_existing=True)
    assert (lead.status, lead.assignee_id, lead.next_follow_up) == (
        LeadStatus.CONTACTED,
        desk.id,
        day,
    )
    assert (
        db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()))
        == "lead.updated"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "lost"}, "Say why the lead was lost."),
        ({"status": "converted"}, "Choose a status."),
        ({"status": "bogus"}, "Choose a status."),
        ({"status": "trial", "assignee_id": "999999"}, "Choose a member of staff."),
        ({"status": "trial", "next_follow_up": "2026-13-45"}, "Enter a date."),
    ],
)
def test_bad_follow_up_input_is_a_field_error(db, client, login, factories, data, message):
    login(factories.admin())
    lead = _lead(db)

    response = post_form(client, f"/admin/leads/{lead.id}", data)

    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.get(Lead, lead.id, populate_existing=True).status is LeadStatus.NEW


def test_an_assignee_must_be_staff(app, db, factories):
    admin = factories.admin()
    member = factories.member()
    lead = _lead(db)
    with app.test_request_context(), pytest.raises(services.LeadError):
        services.update(
            lead.id,
            status=LeadStatus.TRIAL,
            lost_reason=None,
            notes=None,
            next_follow_up=None,
            assignee_id=member.id,
            actor=admin,
        )


def test_convert_creates_the_member_once_and_emails_a_password(
    db, client, login, factories, outbox
):
    admin = factories.admin()
    lead = _lead(db)
    login(admin)

    first = post_form(
        client, f"/admin/leads/{lead.id}/convert", {}, token_from=f"/admin/leads/{lead.id}"
    )
    second = post_form(
        client, f"/admin/leads/{lead.id}/convert", {}, token_from=f"/admin/leads/{lead.id}"
    )

    assert first.status_code == second.status_code == 303
    members = db.session.scalars(select(User).where(User.email == "lena@example.com")).all()
    assert len(members) == 1 and members[0].role is Role.MEMBER
    lead = db.session.get(Lead, lead.id, populate_existing=True)
    assert (lead.status, lead.member_id) == (LeadStatus.CONVERTED, members[0].id)
    assert [m for m in outbox if "lena@example.com" in m.recipients]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "lead.converted")
    ).all()
    assert len(actions) == 1


def test_convert_links_an_existing_member(app, db, factories):
    admin = factories.admin()
    member = factories.member(email="lena@example.com")
    lead = _lead(db)
    with app.test_request_context():
        services.convert(lead.id, actor=admin)
    lead = db.session.get(Lead, lead.id, populate_existing=True)
    assert lead.member_id == member.id
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.email == "lena@example.com")
        )
        == 1
    )


def test_convert_refuses_a_staff_email(app, db, factories):
    admin = factories.admin(email="lena@example.com")
    lead = _lead(db)
    with app.test_request_context(), pytest.raises(services.LeadError):
        services.convert(lead.id, actor=admin)


def test_visitors_find_the_join_page_from_home_and_the_timetable(db, client):
    assert 'href="/join"' in client.get("/").get_data(as_text=True)
    assert 'href="/join"' in client.get("/schedule").get_data(as_text=True)


def test_a_second_convert_racing_the_first_links_the_account_it_made(app, db, factories):
    admin = factories.admin()
    lead = _lead(db)
    with app.test_request_context():
        from app.accounts.services import accounts

        made = accounts.create_account(
            email="lena@example.com", name="Lena", role=Role.MEMBER, actor=admin
        )
        real_find = accounts.find_user_by_email
        calls = []

        def first_misses(email):
            calls.append(email)
            return None if len(calls) == 1 else real_find(email)

        accounts.find_user_by_email = first_misses
        try:
            services.convert(lead.id, actor=admin)
        finally:
            accounts.find_user_by_email = real_find
    assert db.session.get(Lead, lead.id, populate_existing=True).member_id == made.id


def test_the_demo_has_leads_in_each_open_status(app, db):
    from app.core.db import transaction
    from app.leads.demo import seed_leads

    with app.test_request_context(), transaction():
        assert seed_leads() == 5
    statuses = set(db.session.scalars(select(Lead.status)))
    assert {LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.TRIAL, LeadStatus.LOST} <= statuses
    with app.test_request_context(), transaction():
        assert seed_leads() == 0


def test_the_acknowledgement_shows_on_the_sent_emails_pages(db, client, login, factories):
    from app.notifications.models import SentEmail

    post_form(client, "/join", GOOD)
    sent = db.session.scalar(select(SentEmail).where(SentEmail.template == "lead_acknowledged"))
    assert (sent.user_id, sent.to) == (None, "lena@example.com")

    login(factories.admin())
    assert "lena@example.com" in page_text(client.get("/admin/emails/"))
    assert client.get(f"/admin/emails/{sent.id}").status_code == 200
