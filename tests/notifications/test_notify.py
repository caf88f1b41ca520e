"""One way to notify: the row and its deliveries are written with the change
that calls for them, go out on the channels the person chose, wait out
quiet hours, and reach a real mail server once."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.core import jobs, signals
from app.core.db import transaction
from app.core.jobs import OutboxJob, OutboxStatus
from app.notifications.models import Notification, NotificationSettings, SentEmail
from app.notifications.services.notify import deliver, quiet_ends
from app.settings.services import gym_settings

ZONE = "America/Mexico_City"
STARTS = "2031-03-04T14:00:00+00:00"


def _class_params(**more):
    return dict(class_name="Yoga", starts_at=STARTS, room="Sala 1", trainer="Carla", **more)


def _jobs(db, name="notifications.deliver"):
    query = select(OutboxJob).where(OutboxJob.name == name).order_by(OutboxJob.id)
    return list(db.session.scalars(query))


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def _choose(user_id, choices=None, quiet=(None, None)):
    with transaction():
        from app.extensions import db

        db.session.merge(
            NotificationSettings(
                user_id=user_id, choices=choices or {}, quiet_from=quiet[0], quiet_until=quiet[1]
            )
        )


@pytest.fixture
def gym_in_mexico(db):
    with transaction():
        gym_settings().timezone = ZONE
    return ZoneInfo(ZONE)


def test_news_told_in_a_transaction_becomes_a_row_and_one_job_per_chosen_channel(db, factories):
    member = factories.member()
    with transaction():
        signals.tell(member.id, "waitlist_offer", link="/app/bookings", **_class_params())

    [row] = db.session.scalars(select(Notification))
    assert (row.user_id, row.event, row.link, row.read_at) == (
        member.id,
        "waitlist_offer",
        "/app/bookings",
        None,
    )
    assert row.params["class_name"] == "Yoga"
    # no device subscribed to push: the offer goes out by email only
    assert [job.args[:2] for job in _jobs(db)] == [[row.id, "email"]]


def test_a_change_rolled_back_notifies_no_one(db, factories):
    member = factories.member()
    with pytest.raises(RuntimeError), transaction():
        signals.tell(member.id, "booking_confirmed", **_class_params())
        raise RuntimeError("the booking failed after all")

    assert _count(db, Notification) == 0 and _jobs(db) == []


def test_a_second_news_with_the_same_key_is_dropped(db, factories):
    member = factories.member()
    for _ in range(2):
        with transaction():
            signals.tell(
                member.id, "credit_note_issued", key="invoice-7", label="A-7", **_receipt()
            )

    assert _count(db, Notification) == 1 and len(_jobs(db)) == 1


def test_an_unknown_event_is_refused_and_nothing_is_written(db, factories):
    member = factories.member()
    with pytest.raises(KeyError), transaction():
        signals.tell(member.id, "free_pizza")

    assert _count(db, Notification) == 0


def test_the_email_reaches_the_mail_server_in_the_readers_language_with_one_click_unsubscribe(
    app, db, factories, smtp, client
):
    member = factories.member(name="Lucía", email="lucia@example.com", language="es")
    with transaction():
        signals.tell(member.id, "booking_confirmed", link="/app/bookings", **_class_params())

    [(recipients, message)] = smtp.messages
    assert recipients == ["lucia@example.com"]
    assert "reservada" in message["Subject"].lower() or "reserv" in message["Subject"].lower()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith(app.config["BASE_URL"])
    html = message.get_body(preferencelist=("html",)).get_content()
    assert url in html

    path = url.removeprefix(app.config["BASE_URL"])
    assert client.get(path).status_code == 200  # a mail scanner's GET changes nothing
    assert db.session.get(NotificationSettings, member.id) is None
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200

    db.session.expire_all()
    assert db.session.get(NotificationSettings, member.id).choices == {
        "booking_confirmed": {"email": False}
    }
    with transaction():
        signals.tell(member.id, "booking_confirmed", **_class_params())
    assert len(smtp.messages) == 1  # turned off: the second confirmation sends no email
    assert _count(db, Notification) == 2  # but it is in the notification centre


def test_a_receipt_carries_no_unsubscribe_header_and_cannot_be_turned_off(
    db, factories, smtp, client, login
):
    member = factories.member(email="receipts@example.com")
    with transaction():
        signals.tell(member.id, "invoice_issued", label="A-1", key="invoice-1", **_receipt())

    [(_, message)] = smtp.messages
    assert message["List-Unsubscribe"] is None

    login(member)
    page = client.get("/app/notifications/settings").get_data(as_text=True)
    assert "tax records" in page
    # every box left empty but the one the offer needs: the receipt's is locked on
    response = post_form(client, "/app/notifications/settings", {"pick": ["waitlist_offer:email"]})
    assert response.status_code == 303
    with transaction():
        signals.tell(member.id, "invoice_issued", label="A-2", key="invoice-2", **_receipt())
    assert len(smtp.messages) == 2  # still emailed


def _receipt():
    return dict(
        invoice_id=1, credited_label="", reason="", items=[], total_minor=100, currency="MXN"
    )


def post_form(client, path, data):
    from tests.conftest import post_form as post

    return post(client, path, data)


def test_the_priority_hold_offer_keeps_at_least_one_channel(db, factories, client, login):
    member = factories.member()
    login(member)

    response = post_form(client, "/app/notifications/settings", {"pick": []})

    assert response.status_code == 422
    assert "held for you" in response.get_data(as_text=True)
    assert db.session.get(NotificationSettings, member.id) is None


def test_choices_saved_from_the_page_decide_the_channels(db, factories, client, login):
    member = factories.member(language="es")
    login(member)
    picks = ["waitlist_offer:push", "booking_cancelled:email", "session_cancelled:email"]

    response = post_form(
        client,
        "/app/notifications/settings",
        {"pick": picks, "quiet_from": "22:00", "quiet_until": "07:00"},
    )

    assert response.status_code == 303
    saved = db.session.get(NotificationSettings, member.id)
    assert saved.choices["waitlist_offer"] == {"email": False}
    assert saved.choices["booking_confirmed"] == {"email": False}
    assert (saved.quiet_from, saved.quiet_until) == (time(22), time(7))
    page = client.get("/app/notifications/settings").get_data(as_text=True)
    assert "Horario de silencio" in page and 'value="22:00"' in page


def test_quiet_hours_with_one_end_only_are_refused(db, factories, client, login):
    member = factories.member()
    login(member)
    response = post_form(
        client,
        "/app/notifications/settings",
        {"pick": ["waitlist_offer:email"], "quiet_from": "22:00"},
    )
    assert response.status_code == 422
    assert "both times" in response.get_data(as_text=True)


def test_quiet_hours_hold_email_until_they_end_but_not_urgent_news(
    db, factories, clock, gym_in_mexico
):
    member = factories.member()
    _choose(member.id, quiet=(time(22), time(7)))
    clock(datetime(2031, 3, 1, 23, 30, tzinfo=gym_in_mexico).astimezone(ZoneInfo("UTC")))

    with transaction():
        signals.tell(member.id, "booking_confirmed", **_class_params())
        signals.tell(member.id, "waitlist_offer", **_class_params())

    held, urgent = _jobs(db)
    morning = datetime(2031, 3, 2, 7, 0, tzinfo=gym_in_mexico)
    assert held.run_after == morning and held.dispatched_at is None
    assert urgent.run_after is None
    assert _count(db, Notification) == 2  # both in the centre at once


def test_a_class_change_within_12_hours_ignores_quiet_hours_and_a_later_one_waits(
    db, factories, clock, gym_in_mexico
):
    member = factories.member()
    _choose(member.id, quiet=(time(22), time(7)))
    now = clock(datetime(2031, 3, 1, 23, 0, tzinfo=gym_in_mexico).astimezone(ZoneInfo("UTC")))

    with transaction():
        soon = (now + timedelta(hours=9)).isoformat()
        later = (now + timedelta(days=3)).isoformat()
        signals.tell(member.id, "session_cancelled", **_class_params() | {"starts_at": soon})
        signals.tell(member.id, "session_cancelled", **_class_params() | {"starts_at": later})

    assert [job.run_after is None for job in _jobs(db)] == [True, False]


def test_the_sweeper_hands_a_held_job_to_the_queue_only_once_it_is_due(
    app, db, factories, clock, gym_in_mexico, fake_redis
):
    member = factories.member()
    _choose(member.id, quiet=(time(22), time(7)))
    clock(datetime(2031, 3, 1, 23, 30, tzinfo=gym_in_mexico).astimezone(ZoneInfo("UTC")))
    with transaction():
        signals.tell(member.id, "booking_confirmed", **_class_params())

    assert jobs.claim_stale_jobs(older_than=timedelta(0)) == []
    clock(datetime(2031, 3, 2, 7, 1, tzinfo=gym_in_mexico).astimezone(ZoneInfo("UTC")))
    assert jobs.claim_stale_jobs(older_than=timedelta(0)) == [_jobs(db)[0].id]


@pytest.mark.parametrize(
    ("local", "ends"),
    [
        (datetime(2031, 3, 1, 21, 59), None),
        (datetime(2031, 3, 1, 22, 0), datetime(2031, 3, 2, 7, 0)),
        (datetime(2031, 3, 2, 6, 59), datetime(2031, 3, 2, 7, 0)),
        (datetime(2031, 3, 2, 7, 0), None),
    ],
)
def test_quiet_hours_over_midnight(app_ctx, db, gym_in_mexico, local, ends):
    now = local.replace(tzinfo=gym_in_mexico).astimezone(ZoneInfo("UTC"))
    found = quiet_ends(now, time(22), time(7))
    assert found == (ends.replace(tzinfo=gym_in_mexico) if ends else None)


def test_a_message_email_waits_and_is_dropped_once_read_and_one_per_thread_until_read(
    db, factories, smtp
):
    trainer = factories.trainer()
    options = {"group": "thread-1", "email_after": 600}
    with transaction():
        signals.tell(trainer.id, "message_received", sender="Ana", preview="hola", options=options)
        signals.tell(trainer.id, "message_received", sender="Ana", preview="¿y?", options=options)

    emails = [job for job in _jobs(db) if job.args[1] == "email"]
    assert len(emails) == 1 and emails[0].run_after is not None  # one per thread, held 10 min
    with transaction():
        signals.seen(trainer.id, "thread-1")
    deliver(*emails[0].args)
    assert smtp.messages == []  # read meanwhile: no email
    assert _count(db, SentEmail) == 0


def test_a_delivery_past_its_drop_after_sends_nothing(db, factories, smtp, clock):
    member = factories.member()
    now = clock(datetime(2031, 3, 4, 14, 0, tzinfo=ZoneInfo("UTC")))
    with transaction():
        signals.tell(
            member.id,
            "booking_confirmed",
            options={"drop_after": now.isoformat()},
            **_class_params(),
        )
    assert smtp.messages == []  # the inline job ran at the class's start: dropped


def test_an_altered_unsubscribe_link_gets_a_clear_page_and_changes_nothing(db, client):
    response = client.get("/notifications/unsubscribe/not-a-token")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)
    assert client.post("/notifications/unsubscribe/not-a-token").status_code == 404
    assert _count(db, NotificationSettings) == 0


def test_emails_and_pushes_wait_for_redis_and_arrive_once_when_it_is_back(
    app, committed, fake_redis, smtp
):
    from redis import Redis
    from rq import SimpleWorker

    from app.core.queue import job_queue
    from app.extensions import db
    from app.notifications.services import push_devices
    from tests.push_receiver import BrowserKeys, PushReceiver

    member = committed.member(email="down@example.com")
    keys = BrowserKeys()
    with PushReceiver() as receiver:
        with app.test_request_context():
            push_devices.subscribe(member, receiver.endpoint("phone"), keys.p256dh, keys.auth)
        app.extensions["cupo_redis"] = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
        with transaction():
            signals.tell(member.id, "session_cancelled", reason="Flood", **_class_params())
        assert smtp.messages == [] and receiver.messages == []

        app.extensions["cupo_redis"] = fake_redis  # Redis is back
        assert jobs.sweep_outbox(older_than=timedelta(0)) == 2
        SimpleWorker([job_queue()], connection=fake_redis).work(burst=True)
        assert jobs.sweep_outbox(older_than=timedelta(0)) == 0
        SimpleWorker([job_queue()], connection=fake_redis).work(burst=True)

        assert [recipients for recipients, _ in smtp.messages] == [["down@example.com"]]
        [push] = receiver.messages
        assert b"Yoga" in keys.decrypt(push.body)
    db.session.expire_all()
    assert [job.status for job in _jobs(db)] == [OutboxStatus.DONE, OutboxStatus.DONE]
