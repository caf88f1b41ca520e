"""Who may write to whom, and who sees which thread, message and file."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.booking.models import BookingStatus
from app.messaging.models import Message, MessageThread
from app.messaging.services import send_message
from tests.accounts.support import page_text
from tests.conftest import post_form
from tests.trainers.support import file_storage, image_bytes

NOT_ALLOWED = (
    "You can write only to your assigned trainer, or to the trainers and members "
    "of classes booked in the last 60 days or coming up."
)


def _messages(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Message))


@pytest.fixture
def conversation(app, db, talk):
    """A thread of Mia and Tina with one photo; returns (member, trainer, message)."""
    member, trainer = talk.pair()
    with app.test_request_context():
        message = send_message(
            member, trainer_id=trainer.id, text="hi", files=[file_storage(image_bytes())]
        )
        assert len(message.attachments) == 1  # loaded while the session is there
    return member, trainer, message


def test_member_writing_to_an_unrelated_trainer_gets_403_with_the_reason(
    db, client, login, talk, factories
):
    member, _trainer = talk.pair()
    stranger = factories.trainer_profile(name="Stan Stranger")
    login(member)

    response = post_form(
        client, "/app/messages/new", {"recipient": str(stranger.id), "text": "hello?"}
    )

    assert response.status_code == 403
    assert NOT_ALLOWED in page_text(response)
    assert _messages(db) == 0


def test_trainer_writing_to_a_stranger_gets_403(db, client, login, talk, factories):
    _member, trainer = talk.pair()
    stranger = factories.member()
    login(trainer.user)

    response = post_form(
        client, "/trainer/messages/new", {"recipient": str(stranger.id), "text": "hi"}
    )

    assert response.status_code == 403
    assert _messages(db) == 0


def test_the_new_message_page_offers_only_trainers_one_may_write_to(
    db, client, login, talk, factories
):
    member, trainer = talk.pair()
    factories.trainer_profile(name="Stan Stranger")
    assigned = factories.trainer_profile(name="Abe Assigned")
    talk.assigned(member, assigned)
    login(member)

    text = page_text(client.get("/app/messages/new"))

    assert "Tina Trainer" in text and "Abe Assigned" in text
    assert "Stan Stranger" not in text


@pytest.mark.parametrize(
    ("starts_in", "status", "allowed"),
    [
        (timedelta(days=-59), BookingStatus.CONFIRMED, True),
        (timedelta(days=-61), BookingStatus.CONFIRMED, False),
        (timedelta(days=30), BookingStatus.CONFIRMED, True),
        (timedelta(days=2), BookingStatus.NO_SHOW, False),
    ],
)
def test_a_booked_class_lets_member_and_trainer_talk_for_60_days(
    app, db, talk, factories, starts_in, status, allowed
):
    from app.core.errors import AccessDenied

    trainer = factories.trainer_profile()
    member = factories.member()
    booking = talk.booked(member, trainer, starts_in=starts_in)
    booking.status = status
    db.session.commit()

    with app.test_request_context():
        try:
            send_message(member, trainer_id=trainer.id, text="hi")
            sent = True
        except AccessDenied:
            sent = False

    assert sent is allowed


def test_other_peoples_thread_is_404_for_member_and_trainer(
    db, client, login, conversation, talk, factories
):
    _member, _trainer, message = conversation
    other_member, other_trainer = factories.member(), factories.trainer_profile()
    talk.assigned(other_member, other_trainer)
    thread_id = message.thread_id

    login(other_member)
    member_answers = [
        client.get(f"/app/messages/{thread_id}").status_code,
        client.get(f"/app/messages/{thread_id}/poll?after=0").status_code,
        post_form(client, f"/app/messages/{thread_id}", {"text": "sneaky"}).status_code,
        post_form(client, f"/app/messages/reports/{message.id}", {"reason": "x"}).status_code,
        client.get(f"/app/messages/files/{message.attachments[0].id}").status_code,
    ]
    login(other_trainer.user)
    trainer_answers = [
        client.get(f"/trainer/messages/{thread_id}").status_code,
        client.get(f"/trainer/messages/{thread_id}/poll?after=0").status_code,
        post_form(client, f"/trainer/messages/{thread_id}", {"text": "sneaky"}).status_code,
        post_form(client, f"/trainer/messages/reports/{message.id}", {}).status_code,
        client.get(f"/trainer/messages/files/{message.attachments[0].id}").status_code,
    ]

    assert member_answers == [404] * 5
    assert trainer_answers == [404] * 5
    assert _messages(db) == 1


def test_a_file_is_404_for_staff_and_once_its_message_is_hidden(
    app, db, client, login, conversation, factories
):
    from app.messaging.services import hide_message, report_message

    member, trainer, message = conversation
    file_id = message.attachments[0].id
    admin = factories.admin()
    login(admin)
    assert client.get(f"/app/messages/files/{file_id}").status_code == 403  # not a member
    with app.test_request_context():
        report = report_message(message.id, reason="", actor=trainer.user)
        hide_message(report.id, actor=admin)

    login(member)
    assert client.get(f"/app/messages/files/{file_id}").status_code == 404


def test_staff_opening_a_thread_without_an_open_report_get_403(
    db, client, login, conversation, factories
):
    _member, _trainer, message = conversation
    login(factories.admin())

    response = client.get(f"/admin/messages/threads/{message.thread_id}")

    assert response.status_code == 403
    assert "Staff open a conversation only through an open report about it." in page_text(response)


def test_staff_pages_are_for_admins_only(db, client, login, conversation, factories):
    login(factories.front_desk())

    assert client.get("/admin/messages/reports").status_code == 403


def test_the_thread_page_lists_its_messages_with_the_photo(db, client, login, conversation):
    member, _trainer, message = conversation
    login(member)

    html = client.get(f"/app/messages/{message.thread_id}").get_data(as_text=True)

    assert f'src="/app/messages/files/{message.attachments[0].id}"' in html
    assert db.session.scalar(select(func.count()).select_from(MessageThread)) == 1


def test_four_files_through_the_service_leave_nothing(app, db, talk, uploads_dir):
    from app.messaging.services import MessagingError

    member, trainer = talk.pair()
    with app.test_request_context(), pytest.raises(MessagingError) as refused:
        send_message(
            member,
            trainer_id=trainer.id,
            text="x",
            files=[file_storage(image_bytes(), f"{i}.png") for i in range(4)],
        )

    assert refused.value.field == "attachments"
    assert _messages(db) == 0
    assert not any(p.is_file() for p in uploads_dir.rglob("*"))


def test_a_bad_second_file_removes_the_good_first_one(app, db, talk, uploads_dir):
    from app.messaging.services import MessagingError

    member, trainer = talk.pair()
    files = [
        file_storage(image_bytes(), "good.png"),
        file_storage(io.BytesIO(b"MZ" + b"\0" * 64).getvalue(), "evil.png"),
    ]
    with app.test_request_context(), pytest.raises(MessagingError):
        send_message(member, trainer_id=trainer.id, text="x", files=files)

    assert not any(p.is_file() for p in uploads_dir.rglob("*"))
