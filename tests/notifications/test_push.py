"""Web Push: the test plays the browser (its own ECDH keys and auth secret)
and the push service (tests/push_receiver.py, a local HTTP server that checks
the VAPID JWT); what arrives is decrypted with http_ece as a browser would."""

import json
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.core import signals
from app.core.db import transaction
from app.core.models import utc_now
from app.notifications import events
from app.notifications.models import Notification, NotificationSettings, PushSubscription
from app.notifications.push import PushFailed
from app.notifications.services import push_devices
from app.notifications.services.notify import deliver
from tests.conftest import csrf_token
from tests.push_receiver import BrowserKeys, PushReceiver, check_vapid

ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
)


@pytest.fixture
def receiver():
    with PushReceiver() as push_service:
        yield push_service


def _device(user, receiver, name: str, keys: BrowserKeys | None = None) -> BrowserKeys:
    keys = keys or BrowserKeys()
    push_devices.subscribe(user, receiver.endpoint(name), keys.p256dh, keys.auth, ANDROID)
    return keys


def _notification(user, event="waitlist_offer", link="/app/bookings", **extra) -> Notification:
    params = {"class_name": "Yoga", "starts_at": (utc_now() + timedelta(days=1)).isoformat()}
    with transaction() as session:
        row = Notification(user_id=user.id, event=event, params=params, link=link, **extra)
        session.add(row)
    return row


def _devices(db, user) -> list[str]:
    return list(
        db.session.scalars(
            select(PushSubscription.endpoint)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.id)
        )
    )


def test_a_push_reaches_each_device_signed_for_the_push_service_in_the_persons_language(
    app, db, factories, receiver
):
    member = factories.member(language="es")
    phone, laptop = _device(member, receiver, "phone"), _device(member, receiver, "laptop")
    row = _notification(member)

    deliver(row.id, "push")

    messages = {message.name: message for message in receiver.wait_for(2)}
    with force_locale("es"):
        title = events.event("waitlist_offer").describe(row.params)
    assert title.startswith("Se liberó un lugar en Yoga")
    for name, keys in (("phone", phone), ("laptop", laptop)):
        message = messages[name]
        assert message.refused is None and message.status == 201
        assert message.claims["aud"] == receiver.origin
        assert message.vapid_key == app.config["VAPID_PUBLIC_KEY"]
        assert message.ttl == 300  # a held spot is worth nothing after a few minutes
        assert message.headers["content-encoding"] == "aes128gcm"
        shown = json.loads(keys.decrypt(message.body))
        assert shown == {
            "title": title,
            "body": shown["body"],
            "url": "/app/bookings",
            "tag": f"notification-{row.id}",
        }
    with pytest.raises(Exception):  # noqa: B017  (each device reads only its own)
        phone.decrypt(messages["laptop"].body)
    used = db.session.scalars(select(PushSubscription.last_used_at)).all()
    assert len(used) == 2 and all(used)


def test_a_device_the_push_service_says_is_gone_is_deleted_and_the_others_still_get_it(
    db, factories, receiver
):
    member = factories.member()
    _device(member, receiver, "old-phone")
    _device(member, receiver, "phone")
    receiver.answer("old-phone", 410)

    deliver(_notification(member, event="session_cancelled").id, "push")

    assert sorted(message.name for message in receiver.wait_for(2)) == ["old-phone", "phone"]
    assert _devices(db, member) == [receiver.endpoint("phone")]
    assert receiver.messages[0].ttl == 3600


def test_an_unknown_endpoint_404_is_deleted_too(db, factories, receiver):
    member = factories.member()
    _device(member, receiver, "unknown")
    receiver.answer("unknown", 404)

    deliver(_notification(member).id, "push")

    assert _devices(db, member) == []


def test_a_push_service_error_raises_for_a_retry_after_every_device_was_tried(
    db, factories, receiver
):
    member = factories.member()
    _device(member, receiver, "busy")
    phone = _device(member, receiver, "phone")
    receiver.answer("busy", 500)
    row = _notification(member)

    with pytest.raises(PushFailed):
        deliver(row.id, "push")

    assert sorted(message.name for message in receiver.wait_for(2)) == ["busy", "phone"]
    assert _devices(db, member) == [receiver.endpoint("busy"), receiver.endpoint("phone")]
    [delivered] = [m for m in receiver.messages if m.name == "phone"]
    assert json.loads(phone.decrypt(delivered.body))["url"] == "/app/bookings"


def test_a_push_service_that_does_not_answer_raises_for_a_retry(db, factories):
    member = factories.member()
    keys = BrowserKeys()
    push_devices.subscribe(member, "http://127.0.0.1:9/push/nobody", keys.p256dh, keys.auth)

    with pytest.raises(PushFailed):
        deliver(_notification(member).id, "push")

    assert _devices(db, member) == ["http://127.0.0.1:9/push/nobody"]


def test_a_thread_s_messages_share_one_tag_so_the_newest_replaces_the_last(db, factories, receiver):
    trainer = factories.trainer(language="en")
    keys = _device(trainer, receiver, "portal")
    row = _notification(
        trainer, event="message_received", link="/trainer/", group="thread-7", key=None
    )
    row.params = {"sender": "Ana"}
    db.session.commit()

    deliver(row.id, "push")

    [message] = receiver.wait_for(1)
    assert json.loads(keys.decrypt(message.body))["tag"] == "thread-7"
    assert json.loads(keys.decrypt(message.body))["title"] == "Ana wrote to you."


def test_notify_sends_the_push_after_commit_when_the_person_chose_push(db, factories, receiver):
    member = factories.member(language="en")
    keys = _device(member, receiver, "phone")
    with transaction() as session:
        session.add(
            NotificationSettings(user_id=member.id, choices={"booking_confirmed": {"push": True}})
        )
    starts = (utc_now() + timedelta(days=2)).isoformat()

    with transaction():
        signals.tell(
            member.id,
            "booking_confirmed",
            link="/app/bookings",
            class_name="Pilates",
            starts_at=starts,
        )
        assert receiver.messages == []  # nothing leaves before the commit

    [message] = receiver.wait_for(1)
    shown = json.loads(keys.decrypt(message.body))
    assert shown["title"].startswith("You're booked for Pilates")
    assert shown["url"] == "/app/bookings"


def test_the_receiver_refuses_a_jwt_for_another_origin_or_expired(receiver):
    from py_vapid import Vapid

    vapid = Vapid()
    vapid.generate_keys()
    expires = int(utc_now().timestamp()) + 60
    good = {"sub": "mailto:a@example.com", "aud": receiver.origin, "exp": expires}
    header = vapid.sign(dict(good))["Authorization"]
    claims, _ = check_vapid(header, receiver.origin)
    assert claims["aud"] == receiver.origin
    for wrong in ({"aud": "https://elsewhere.example"}, {"exp": good["exp"] - 120}):
        with pytest.raises(ValueError):
            check_vapid(vapid.sign({**good, **wrong})["Authorization"], receiver.origin)


# --- the device endpoints ---


def _post_json(client, path, body, token):
    return client.post(path, json=body, headers={"X-CSRFToken": token, "User-Agent": ANDROID})


def test_a_member_subscribes_this_browser_once_however_often_it_is_sent(
    db, client, login, factories, receiver
):
    member = factories.member()
    login(member)
    token = csrf_token(client, "/app/notifications/settings")
    keys = BrowserKeys()
    body = keys.subscription(receiver.endpoint("phone"))

    first = _post_json(client, "/app/notifications/push/devices", body, token)
    again = _post_json(client, "/app/notifications/push/devices", body, token)

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json["id"] == again.json["id"]
    device = db.session.get(PushSubscription, first.json["id"])
    assert (device.user_id, device.p256dh, device.auth) == (member.id, keys.p256dh, keys.auth)
    assert device.label == "Chrome · Android"
    page = client.get("/app/notifications/settings").get_data(as_text=True)
    assert "Chrome · Android" in page and "Notifications are on for this device." in page


def test_the_same_browser_signed_in_as_someone_else_moves_to_them_with_new_keys(
    db, client, login, factories, receiver
):
    first, second = factories.member(), factories.member()
    endpoint = receiver.endpoint("shared-phone")
    _device(first, receiver, "shared-phone")
    login(second)
    token = csrf_token(client, "/app/notifications/settings")
    keys = BrowserKeys()

    response = _post_json(
        client, "/app/notifications/push/devices", keys.subscription(endpoint), token
    )

    assert response.status_code == 201
    assert _devices(db, first) == [] and _devices(db, second) == [endpoint]
    assert db.session.scalar(select(PushSubscription.p256dh)) == keys.p256dh


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"endpoint": "javascript:alert(1)", "keys": {"p256dh": "x", "auth": "y"}},
        {"endpoint": "http://127.0.0.1:1/push/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
        "not an object",
    ],
)
def test_what_no_browser_sends_is_refused_with_a_reason(db, client, login, factories, body):
    login(factories.member())
    token = csrf_token(client, "/app/notifications/settings")

    response = _post_json(client, "/app/notifications/push/devices", body, token)

    assert response.status_code == 422 and response.json["error"]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_production_takes_only_the_browsers_push_services(app, db, factories, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_SERVICE_HOSTS", ("fcm.googleapis.com",))
    member, keys = factories.member(), BrowserKeys()
    for refused in (
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://10.0.0.5/admin",
        "https://fcm.googleapis.com.evil.example/x",
    ):
        with app.test_request_context(), pytest.raises(push_devices.PushDeviceError):
            push_devices.subscribe(member, refused, keys.p256dh, keys.auth)

    device = push_devices.subscribe(
        member, "https://fcm.googleapis.com/fcm/send/abc", keys.p256dh, keys.auth
    )
    assert device.id


def test_subscribing_needs_the_csrf_token_and_the_right_portal(
    db, client, login, factories, receiver
):
    body = BrowserKeys().subscription(receiver.endpoint("x"))
    login(factories.trainer())
    token = csrf_token(client, "/trainer/notifications/settings")

    assert client.post("/trainer/notifications/push/devices", json=body).status_code == 400
    assert _post_json(client, "/app/notifications/push/devices", body, token).status_code == 403
    assert _post_json(client, "/trainer/notifications/push/devices", body, token).status_code == 201


def test_a_person_removes_their_own_device_and_another_s_id_is_404(
    db, client, login, factories, receiver
):
    member, other = factories.member(), factories.member()
    _device(member, receiver, "mine")
    _device(other, receiver, "theirs")
    mine, theirs = (
        db.session.scalar(select(PushSubscription.id).where(PushSubscription.user_id == who.id))
        for who in (member, other)
    )
    login(member)
    token = csrf_token(client, "/app/notifications/settings")

    refused = client.post(
        f"/app/notifications/push/devices/{theirs}/remove", data={"csrf_token": token}
    )
    removed = client.post(
        f"/app/notifications/push/devices/{mine}/remove", data={"csrf_token": token}
    )

    assert refused.status_code == 404
    assert removed.status_code == 303 and removed.location.endswith("/app/notifications/settings")
    assert _devices(db, member) == [] and _devices(db, other) == [receiver.endpoint("theirs")]
    page = client.get("/app/notifications/settings").get_data(as_text=True)
    assert "That device no longer gets notifications." in page
    assert "No device gets push yet." in page


def test_the_device_list_is_on_the_trainers_page_too(db, client, login, factories, receiver):
    trainer = factories.trainer()
    _device(trainer, receiver, "portal")
    login(trainer)

    page = client.get("/trainer/notifications/settings").get_data(as_text=True)

    assert "Turn on notifications" in page and "Chrome · Android" in page
    assert "/trainer/notifications/push/devices/" in page


def test_each_portal_s_worker_shows_pushes_and_opens_them(client):
    member_worker = client.get("/app/sw.js")
    trainer_worker = client.get("/trainer/sw.js")

    assert trainer_worker.status_code == 200
    assert trainer_worker.mimetype == "text/javascript"
    for worker, home in ((member_worker, "/app/"), (trainer_worker, "/trainer/")):
        code = worker.get_data(as_text=True)
        assert 'addEventListener("push"' in code and 'addEventListener("notificationclick"' in code
        assert f'new URL("{home}"' in code


def test_a_person_keeps_at_most_ten_devices_the_least_used_go(db, factories, receiver):
    member = factories.member()
    for number in range(push_devices.MAX_DEVICES + 2):
        _device(member, receiver, f"device-{number}")

    kept = _devices(db, member)

    assert len(kept) == push_devices.MAX_DEVICES
    assert receiver.endpoint("device-11") in kept and receiver.endpoint("device-0") not in kept


# --- the VAPID keys ---


def test_production_refuses_to_start_without_a_vapid_key(production_app, monkeypatch):
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)

    with pytest.raises(RuntimeError, match="VAPID_PRIVATE_KEY must be set in production"):
        production_app()


def test_a_public_key_that_is_not_the_private_key_s_refuses_to_start(production_app, monkeypatch):
    from app.config import new_vapid_private_key, vapid_public_key_of

    monkeypatch.setenv("VAPID_PUBLIC_KEY", vapid_public_key_of(new_vapid_private_key()))

    with pytest.raises(RuntimeError, match="VAPID_PUBLIC_KEY is not the public key"):
        production_app()


def test_production_takes_the_keys_and_subject_from_the_environment(production_app, monkeypatch):
    from app.config import new_vapid_private_key, vapid_public_key_of

    private = new_vapid_private_key()
    monkeypatch.setenv("VAPID_PRIVATE_KEY", private)
    monkeypatch.setenv("VAPID_PUBLIC_KEY", vapid_public_key_of(private))

    production = production_app(VAPID_SUBJECT="mailto:owner@gym.example")

    assert production.config["VAPID_PRIVATE_KEY"] == private
    assert production.config["VAPID_PUBLIC_KEY"] == vapid_public_key_of(private)
    assert production.config["VAPID_SUBJECT"] == "mailto:owner@gym.example"
    assert "fcm.googleapis.com" in production.config["PUSH_SERVICE_HOSTS"]


def test_outside_production_a_key_is_made_once_under_instance(app):
    from app.config import INSTANCE, vapid_public_key_of

    stored = (INSTANCE / "vapid_private_key").read_text().strip()
    assert app.config["VAPID_PRIVATE_KEY"] == stored
    assert app.config["VAPID_PUBLIC_KEY"] == vapid_public_key_of(stored)
    assert app.config["VAPID_SUBJECT"] == "mailto:no-reply@cupo.local"
