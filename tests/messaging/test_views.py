"""The member's and the trainer's message pages: sending, files, polling, limits."""

import io
import re

from PIL import Image
from sqlalchemy import func, select

from app.messaging.models import Message, MessageAttachment, MessageThread
from app.trainers.models import Trainer
from tests.accounts.support import field_error, page_text
from tests.conftest import post_form
from tests.trainers.support import image_bytes, pdf_bytes, two_colour_jpeg

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
PE = b"MZ\x90\x00" + b"\x00" * 200


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _files(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _send_new(client, trainer, text="Hello coach", files=(), key=None):
    data = {"recipient": str(trainer.id), "text": text}
    if key:
        data["idempotency_key"] = key
    if files:
        data["attachments"] = list(files)
    return post_form(
        client,
        "/app/messages/new",
        data,
        content_type="multipart/form-data",
    )


def _thread(db) -> MessageThread:
    return db.session.scalar(select(MessageThread))


def test_member_starts_a_thread_with_the_trainer_of_a_booked_class(db, client, login, talk, news):
    member, trainer = talk.pair()
    login(member)

    response = _send_new(client, trainer, "See you <b>Monday</b>")

    thread = _thread(db)
    assert response.status_code == 303
    assert response.location.endswith(f"/app/messages/{thread.id}")
    message = db.session.scalar(select(Message))
    assert (message.body, message.sender_id) == ("See you <b>Monday</b>", member.id)
    assert (thread.trainer_unread, thread.member_unread) == (1, 0)
    [(event, said)] = news
    assert event == "message_received"
    assert said["user_id"] == trainer.user_id
    assert said["link"] == f"/trainer/messages/{thread.id}"
    assert said["options"] == {"group": f"thread-{thread.id}", "email_after": 600}
    assert said["params"] == {
        "sender": "Mia Member",
        "preview": "See you <b>Monday</b>",
        "thread_id": thread.id,
    }


def test_preview_is_the_first_80_characters_and_empty_for_files_only(db, client, login, talk, news):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "x" * 100)
    thread = _thread(db)

    post_form(
        client,
        f"/app/messages/{thread.id}",
        {"text": "", "attachments": [(io.BytesIO(image_bytes()), "p.png")]},
        content_type="multipart/form-data",
    )

    assert [said["params"]["preview"] for _e, said in news] == ["x" * 80, ""]


def test_text_is_escaped_never_rendered_as_html(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "<script>alert(1)</script>")

    html = client.get(f"/app/messages/{_thread(db).id}").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_text_over_2000_characters_is_a_field_error_and_nothing_is_saved(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)

    response = _send_new(client, trainer, "a" * 2001)

    assert response.status_code == 400
    assert field_error(response, "text") == "Keep a message to 2000 characters."
    assert _count(db, Message) == 0


def test_an_empty_message_is_a_field_error(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)

    response = _send_new(client, trainer, "   ")

    assert field_error(response, "text") == "Write a message or attach a file."
    assert _count(db, Message) == 0


def test_a_photo_is_stored_without_its_metadata_and_served_to_both(
    db, client, login, talk, uploads_dir
):
    member, trainer = talk.pair()
    login(member)
    jpeg = two_colour_jpeg(orientation=6)
    assert Image.open(io.BytesIO(jpeg)).getexif()

    response = _send_new(client, trainer, "", files=[(io.BytesIO(jpeg), "me.jpg")])

    assert response.status_code == 303
    file = db.session.scalar(select(MessageAttachment))
    stored = uploads_dir / file.file_path
    assert file.file_path.startswith("messages/")
    image = Image.open(stored)
    assert not image.getexif()
    assert image.size == (300, 600)  # turned upright by its orientation, then stripped
    assert client.get(f"/app/messages/files/{file.id}").status_code == 200
    login(trainer.user)
    response = client.get(f"/trainer/messages/files/{file.id}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_pdf_is_kept_and_sent_as_a_download(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "plan", files=[(io.BytesIO(pdf_bytes()), "plan.pdf")])
    file = db.session.scalar(select(MessageAttachment))

    response = client.get(f"/app/messages/files/{file.id}")

    assert (file.content_type, file.filename) == ("application/pdf", "plan.pdf")
    assert response.headers["Content-Disposition"].startswith("attachment")


def _refused(db, response, uploads_dir, message):
    assert response.status_code == 400
    assert message in field_error(response, "attachments")
    assert _count(db, Message) == 0
    assert _count(db, MessageAttachment) == 0
    assert _files(uploads_dir) == []


def test_a_renamed_executable_is_refused_by_its_bytes(db, client, login, talk, uploads_dir):
    member, trainer = talk.pair()
    login(member)
    files = [(io.BytesIO(image_bytes()), "ok.png"), (io.BytesIO(ELF), "photo.jpg")]

    response = _send_new(client, trainer, "look", files=files)

    _refused(db, response, uploads_dir, "photo.jpg: Choose a JPEG, PNG or WebP picture, or a PDF.")


def test_a_windows_executable_named_pdf_is_refused(db, client, login, talk, uploads_dir):
    member, trainer = talk.pair()
    login(member)

    response = _send_new(client, trainer, "x", files=[(io.BytesIO(PE), "plan.pdf")])

    _refused(db, response, uploads_dir, "Choose a JPEG, PNG or WebP picture, or a PDF.")


def test_a_6_mb_file_is_refused(db, client, login, talk, uploads_dir):
    member, trainer = talk.pair()
    login(member)
    big = pdf_bytes(padding=6 * 1024 * 1024)

    response = _send_new(client, trainer, "x", files=[(io.BytesIO(big), "big.pdf")])

    _refused(db, response, uploads_dir, "The file is too large: at most 5 MB.")


def test_four_files_are_refused(db, client, login, talk, uploads_dir):
    member, trainer = talk.pair()
    login(member)
    files = [(io.BytesIO(image_bytes()), f"p{i}.png") for i in range(4)]

    response = _send_new(client, trainer, "x", files=files)

    _refused(db, response, uploads_dir, "Attach at most 3 files to a message.")


def test_a_double_submit_sends_one_message(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)

    first = _send_new(client, trainer, "once", key="k" * 32)
    second = _send_new(client, trainer, "once", key="k" * 32)

    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert _count(db, Message) == 1


def test_sending_is_limited_to_30_a_minute(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "first")
    path = f"/app/messages/{_thread(db).id}"
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)

    answers = [
        client.post(path, data={"text": f"m{i}", "csrf_token": token}).status_code
        for i in range(30)
    ]

    assert answers == [303] * 29 + [429]
    assert _count(db, Message) == 30


def test_poll_answers_204_without_news_and_the_new_messages_with(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "hi")
    thread = _thread(db)
    last = thread.last_message_id
    poll = f"/app/messages/{thread.id}/poll?after={last}"

    assert client.get(poll).status_code == 204

    login(trainer.user)
    post_form(client, f"/trainer/messages/{thread.id}", {"text": "Hi Mia!"})
    login(member)
    response = client.get(poll)

    assert response.status_code == 200
    assert "Hi Mia!" in page_text(response)
    reply = db.session.scalar(select(Message).order_by(Message.id.desc()))
    assert f"after={reply.id}" in page_text(response)
    assert db.session.get(MessageThread, thread.id, populate_existing=True).member_unread == 0


def test_the_thread_page_polls_every_10_seconds_while_visible(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "hi")

    html = client.get(f"/app/messages/{_thread(db).id}").get_data(as_text=True)

    assert 'data-hx-trigger="every 10s"' in html
    assert "data-poll-visible" in html


def test_opening_a_thread_marks_it_read_and_tells_notifications(db, client, login, talk, app):
    from app.core.signals import news_seen

    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "hi")
    thread = _thread(db)
    seen = []

    def heard(group, **kw):
        seen.append((group, kw["user_id"]))

    with news_seen.connected_to(heard):  # the notifications domain's receiver stays
        login(trainer.user)
        client.get(f"/trainer/messages/{thread.id}")

    assert (f"thread-{thread.id}", trainer.user_id) in seen
    assert db.session.get(MessageThread, thread.id, populate_existing=True).trainer_unread == 0


def test_trainer_inbox_counts_unread_filters_and_searches(db, client, login, talk, factories):
    member, trainer = talk.pair()
    other = factories.member(name="Zoe Zed")
    talk.assigned(other, trainer)
    for person in (member, other):
        login(person)
        _send_new(client, trainer, f"from {person.name}")
    login(trainer.user)
    zoe_thread = db.session.scalar(select(MessageThread).where(MessageThread.member_id == other.id))
    client.get(f"/trainer/messages/{zoe_thread.id}")  # read

    everyone = page_text(client.get("/trainer/messages/"))
    unread = page_text(client.get("/trainer/messages/?unread=1"))
    zoe = page_text(client.get("/trainer/messages/?q=zoe"))

    assert "1 unread" in everyone
    assert "Mia Member" in everyone and "Zoe Zed" in everyone
    assert "Mia Member" in unread and "Zoe Zed" not in unread
    assert "Zoe Zed" in zoe and "Mia Member" not in zoe


def test_inbox_poll_answers_the_list_alone(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "hi")
    login(trainer.user)

    response = client.get("/trainer/messages/", headers={"HX-Request": "true"})

    text = page_text(response)
    assert text.lstrip().startswith('<div id="inbox"')
    assert 'data-unread="1"' in text


def test_a_trainer_writes_first_to_a_client(db, client, login, talk, factories, news):
    trainer = factories.trainer_profile(name="Tina Trainer")
    client_member = factories.member(name="Carl Client")
    talk.assigned(client_member, trainer)
    login(trainer.user)

    response = post_form(
        client,
        "/trainer/messages/new",
        {"recipient": str(client_member.id), "text": "Welcome!"},
    )

    thread = _thread(db)
    assert response.status_code == 303
    assert (thread.member_id, thread.trainer_id, thread.member_unread) == (
        client_member.id,
        trainer.id,
        1,
    )
    assert news[0][1]["link"] == f"/app/messages/{thread.id}"


def test_member_threads_list_shows_the_newest_message(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "first words")

    text = page_text(client.get("/app/messages/"))

    assert "Tina Trainer" in text
    assert "You: first words" in text


def test_member_tab_bar_has_messages(db, client, login, talk):
    member, _trainer = talk.pair()
    login(member)

    html = client.get("/app/messages/").get_data(as_text=True)

    assert re.search(r'href="/app/messages/" aria-current="page"', html)


def test_a_deactivated_trainers_thread_is_read_only(db, client, login, talk):
    member, trainer = talk.pair()
    login(member)
    _send_new(client, trainer, "hi")
    thread = _thread(db)
    db.session.get(Trainer, trainer.id).is_active = False
    db.session.commit()

    page = page_text(client.get(f"/app/messages/{thread.id}"))
    response = post_form(client, f"/app/messages/{thread.id}", {"text": "still there?"})

    assert "This trainer no longer teaches at the gym" in page
    assert 'id="compose"' not in page
    assert response.status_code == 400
    assert "This trainer no longer teaches at the gym: the conversation is read-only." in (
        page_text(response)
    )
    assert _count(db, Message) == 1


def test_pages_speak_spanish(db, client, login, talk):
    member, trainer = talk.pair(language="es")
    client.delete_cookie("cupo_lang")
    login(member)

    response = _send_new(client, trainer, "a" * 2001)
    index = page_text(client.get("/app/messages/"))

    assert field_error(response, "text") == "Un mensaje puede tener como máximo 2000 caracteres."
    assert "Mensajes" in index
