"""The inbox, a thread and the member's threads run as many statements at
500 rows as at 10, and page their rows."""

from datetime import timedelta

from app.accounts.models import Role, User
from app.core.models import utc_now
from app.messaging.models import Message, MessageAttachment, MessageThread
from app.trainers.models import Trainer
from tests.factories import password_hash
from tests.queries import counting_statements

_numbers = iter(range(10_000_000))


def _people(db, role, count):
    users = [
        User(
            role=role,
            email=f"bulk{next(_numbers)}@example.com",
            name=f"Bulk {role.value}",
            language="en",
            password_hash=password_hash("x"),
        )
        for _ in range(count)
    ]
    db.session.add_all(users)
    db.session.flush()
    return users


def _threads(db, *, member=None, trainer=None, count):
    """`count` threads of `member` (with new trainers) or `trainer` (with new
    members), each with a message with a file, half unread."""
    now = utc_now()
    if member is not None:
        trainers = [Trainer(user=user) for user in _people(db, Role.TRAINER, count)]
        db.session.add_all(trainers)
        db.session.flush()
        pairs = [(member.id, t) for t in trainers]
    else:
        pairs = [(user.id, trainer) for user in _people(db, Role.MEMBER, count)]
    for index, (member_id, who) in enumerate(pairs):
        thread = MessageThread(
            member_id=member_id,
            trainer_id=who.id,
            last_message_at=now - timedelta(minutes=index),
            trainer_unread=index % 2,
            member_unread=index % 2,
        )
        db.session.add(thread)
        db.session.flush()
        message = Message(thread_id=thread.id, sender_id=member_id, body=f"hello {index}")
        db.session.add(message)
        db.session.flush()
        db.session.add(
            MessageAttachment(
                message_id=message.id,
                file_path="messages/x.png",
                content_type="image/png",
                size_bytes=1,
                filename="x.png",
            )
        )
        thread.last_message_id = message.id
    db.session.commit()


def _count(db, client, path):
    client.get(path)  # warm caches
    with counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return statements


def test_trainer_inbox_is_bounded(db, client, login, factories):
    trainer = factories.trainer_profile()
    login(trainer.user)
    _threads(db, trainer=trainer, count=10)
    few = _count(db, client, "/trainer/messages/")
    _threads(db, trainer=trainer, count=490)
    many = _count(db, client, "/trainer/messages/")
    unread_many = _count(db, client, "/trainer/messages/?unread=1&q=bulk")

    assert len(few) == len(many) == len(unread_many), (few, many)


def test_member_threads_list_is_bounded(db, client, login, factories):
    member = factories.member()
    login(member)
    _threads(db, member=member, count=10)
    few = _count(db, client, "/app/messages/")
    _threads(db, member=member, count=490)
    many = _count(db, client, "/app/messages/")

    assert len(few) == len(many), (few, many)


def test_thread_page_is_bounded(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    thread = MessageThread(member_id=member.id, trainer_id=trainer.id)
    db.session.add(thread)
    db.session.commit()

    def write(count):
        for index in range(count):
            sender = member.id if index % 2 else trainer.user_id
            message = Message(thread_id=thread.id, sender_id=sender, body=f"m{index}")
            db.session.add(message)
            db.session.flush()
            db.session.add(
                MessageAttachment(
                    message_id=message.id,
                    file_path="messages/x.png",
                    content_type="image/png",
                    size_bytes=1,
                    filename="x.png",
                )
            )
            thread.last_message_id = message.id
        db.session.commit()

    write(10)
    few = _count(db, client, f"/app/messages/{thread.id}")
    write(490)
    many = _count(db, client, f"/app/messages/{thread.id}")
    page = client.get(f"/app/messages/{thread.id}").get_data(as_text=True)

    assert len(few) == len(many), (few, many)
    assert page.count('class="chat-item') == 30
    assert "Older messages" in page
