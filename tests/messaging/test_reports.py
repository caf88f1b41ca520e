"""Reports: either side asks, admins dismiss, hide or close; each is audited."""

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.messaging.models import Message, MessageReport, MessageThread, ReportStatus
from app.messaging.services import send_message
from tests.accounts.support import page_text
from tests.conftest import post_form


@pytest.fixture
def chat(app, db, talk, factories):
    """Mia and Tina wrote seven messages; an admin is around. (member, trainer, messages, admin)"""
    member, trainer = talk.pair()
    admin = factories.admin(name="Ada Admin")
    messages = []
    with app.test_request_context():
        for i in range(7):
            sender = member if i % 2 == 0 else trainer.user
            target = {"trainer_id": trainer.id} if sender is member else {"member_id": member.id}
            messages.append(send_message(sender, text=f"line {i}", **target))
    return member, trainer, messages, admin


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _report(client, login, person, message, reason="rude"):
    login(person)
    side = "/app" if person.role.value == "member" else "/trainer"
    return post_form(
        client,
        f"{side}/messages/reports/{message.id}",
        {"reason": reason},
        token_from=f"{side}/messages/{message.thread_id}",
    )


def test_member_reports_a_message_and_admins_are_told(db, client, login, chat, news):
    member, trainer, messages, admin = chat
    news.clear()

    response = _report(client, login, member, messages[5])

    assert response.status_code == 303
    report = db.session.scalar(select(MessageReport))
    assert (report.reporter_id, report.reason, report.status) == (
        member.id,
        "rude",
        ReportStatus.OPEN,
    )
    assert _actions(db)[-1] == "message.reported"
    [(event, said)] = news
    assert event == "message_reported"
    assert said["user_id"] == admin.id
    assert said["link"] == "/admin/messages/reports"
    assert said["params"] == {"thread_id": messages[5].thread_id, "reporter": "Mia Member"}


def test_one_cannot_report_ones_own_message(db, client, login, chat):
    member, _trainer, messages, _admin = chat

    _report(client, login, member, messages[4])

    assert db.session.scalar(select(MessageReport)) is None


def test_the_review_shows_the_message_and_the_five_before_it(db, client, login, chat):
    _member, trainer, messages, admin = chat
    _report(client, login, trainer.user, messages[6])
    report = db.session.scalar(select(MessageReport))
    login(admin)

    queue = page_text(client.get("/admin/messages/reports"))
    review = page_text(client.get(f"/admin/messages/reports/{report.id}"))
    redirect = client.get(f"/admin/messages/threads/{messages[0].thread_id}")

    assert "Mia Member with Tina Trainer" in queue
    assert [f"line {i}" in review for i in range(7)] == [False] + [True] * 6
    assert redirect.location.endswith(f"/admin/messages/reports/{report.id}")


def _answer(client, admin_login, report, what):
    admin_login()
    return post_form(
        client,
        f"/admin/messages/reports/{report.id}/{what}",
        {},
        token_from="/admin/messages/reports",
    )


def test_dismissing_settles_the_report_and_the_thread_goes_on(db, client, login, chat):
    member, _trainer, messages, admin = chat
    _report(client, login, member, messages[5])
    report = db.session.scalar(select(MessageReport))

    _answer(client, lambda: login(admin), report, "dismiss")

    report = db.session.get(MessageReport, report.id, populate_existing=True)
    assert report.status is ReportStatus.DISMISSED
    assert report.resolved_by_id == admin.id
    assert _actions(db)[-1] == "message_report.dismissed"
    assert client.get(f"/admin/messages/reports/{report.id}").status_code == 403
    assert client.get(f"/admin/messages/threads/{messages[0].thread_id}").status_code == 403


def test_hiding_shows_hidden_by_staff_to_both(db, client, login, chat):
    member, trainer, messages, admin = chat
    _report(client, login, member, messages[5])
    report = db.session.scalar(select(MessageReport))

    _answer(client, lambda: login(admin), report, "hide")

    message = db.session.get(Message, messages[5].id, populate_existing=True)
    assert message.hidden_by_id == admin.id
    assert _actions(db)[-1] == "message.hidden"
    for person, path in ((member, "/app"), (trainer.user, "/trainer")):
        login(person)
        text = page_text(client.get(f"{path}/messages/{message.thread_id}"))
        assert "Message hidden by staff." in text
        assert "line 5" not in text


def test_closing_makes_the_thread_read_only_for_both(db, client, login, chat):
    member, trainer, messages, admin = chat
    _report(client, login, member, messages[5])
    report = db.session.scalar(select(MessageReport))

    _answer(client, lambda: login(admin), report, "close")

    thread = db.session.get(MessageThread, messages[0].thread_id, populate_existing=True)
    assert thread.closed_by_id == admin.id
    assert _actions(db)[-1] == "message_thread.closed"
    login(trainer.user)
    page = page_text(client.get(f"/trainer/messages/{thread.id}"))
    refused = post_form(client, f"/trainer/messages/{thread.id}", {"text": "hello?"})
    assert "Staff closed this conversation: it is read-only." in page
    assert 'id="compose"' not in page
    assert refused.status_code == 400
    assert "Staff closed this conversation: it is read-only." in page_text(refused)
    assert db.session.scalar(select(Message).order_by(Message.id.desc())).body == "line 6"


def test_a_handled_report_cannot_be_answered_twice(db, client, login, chat):
    member, _trainer, messages, admin = chat
    _report(client, login, member, messages[5])
    report = db.session.scalar(select(MessageReport))
    _answer(client, lambda: login(admin), report, "dismiss")

    response = _answer(client, lambda: login(admin), report, "hide")

    assert response.status_code == 303
    assert db.session.get(Message, messages[5].id, populate_existing=True).hidden_at is None
