"""iCal feeds: the public timetable and a trainer's own classes, read back by a parser."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.scheduling.models import SessionStatus
from tests.queries import counting_statements
from tests.scheduling.conftest import MONDAY
from tests.scheduling.member_support import NOW, add_many, add_session

MADRID = ZoneInfo("Europe/Madrid")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.get_data())


def events(response) -> dict:
    """The feed's events by UID."""
    return {str(event["UID"]): event for event in parse(response).walk("VEVENT")}


def uid(cs) -> str:
    return f"session-{cs.id}@cupo"


@pytest.fixture
def trainer(schedule):
    return schedule.trainer(name="Ana Torres")


def test_public_feed_is_a_calendar_of_the_gyms_published_sessions(client, db, schedule, clock):
    clock(NOW)
    schedule.zone("Europe/Madrid")
    cs = add_session(
        db,
        schedule,
        NOW + timedelta(days=1),
        class_type=schedule.class_type(name="Power Yoga"),
        trainer=schedule.trainer(name="Ana Torres"),
        room=schedule.room(name="Studio B"),
    )

    response = client.get("/schedule.ics")
    calendar = parse(response)
    (event,) = calendar.walk("VEVENT")

    assert str(calendar["VERSION"]) == "2.0" and "Cupo" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Cupo Gym class schedule"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Madrid"
    assert str(event["UID"]) == uid(cs)
    assert event.decoded("DTSTART") == cs.starts_at and event.decoded("DTEND") == cs.ends_at
    assert event.decoded("DTSTAMP") == NOW
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("Power Yoga", "Studio B")
    assert "Ana Torres" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert b"DTSTART:" + cs.starts_at.strftime("%Y%m%dT%H%M%SZ").encode() in response.get_data()


@pytest.mark.parametrize(
    ("today", "mondays", "utc_hours"),
    [
        # Spain moves to summer time on Sunday 29 March 2026: 7:00 is 6:00 UTC, then 5:00
        (datetime(2026, 3, 20, 12, tzinfo=UTC), [date(2026, 3, 23), date(2026, 3, 30)], [6, 5]),
        # ... and back on Sunday 25 October 2026: 7:00 is 5:00 UTC, then 6:00
        (datetime(2026, 10, 16, 12, tzinfo=UTC), [date(2026, 10, 19), date(2026, 10, 26)], [5, 6]),
    ],
)
def test_seven_oclock_in_madrid_is_the_right_utc_instant_on_both_sides_of_a_dst_change(
    client, schedule, clock, app_ctx, trainer, today, mondays, utc_hours
):
    schedule.zone("Europe/Madrid")
    clock(today)
    schedule.entry(
        weekdays=MONDAY,
        start_time=time(7, 0),
        starts_on=mondays[0],
        ends_on=mondays[-1],
        trainer=trainer.id,
    )

    for path in ("/schedule.ics", f"/trainer/{trainer.calendar_token}/sessions.ics"):
        starts = sorted(event.decoded("DTSTART") for event in events(client.get(path)).values())
        assert starts == [
            datetime.combine(day, time(hour), tzinfo=UTC)
            for day, hour in zip(mondays, utc_hours, strict=True)
        ]
        assert [start.astimezone(MADRID).time() for start in starts] == [time(7, 0)] * 2


def test_drafts_never_appear_in_either_feed(client, db, schedule, clock, trainer):
    clock(NOW)
    published = add_session(db, schedule, NOW + timedelta(days=1), trainer=trainer)
    draft = add_session(
        db, schedule, NOW + timedelta(days=2), trainer=trainer, status=SessionStatus.DRAFT
    )

    for path in ("/schedule.ics", f"/trainer/{trainer.calendar_token}/sessions.ics"):
        response = client.get(path)
        assert set(events(response)) == {uid(published)}
        assert uid(draft).encode() not in response.get_data()


def test_cancelled_sessions_stay_in_the_feeds_as_cancelled(client, db, schedule, clock, trainer):
    clock(NOW)
    cancelled = add_session(
        db, schedule, NOW + timedelta(days=1), trainer=trainer, status=SessionStatus.CANCELLED
    )

    for path in ("/schedule.ics", f"/trainer/{trainer.calendar_token}/sessions.ics"):
        assert str(events(client.get(path))[uid(cancelled)]["STATUS"]) == "CANCELLED"


def test_feeds_run_from_a_week_ago_to_the_scheduling_horizon(client, db, schedule, clock, trainer):
    clock(NOW)  # 4:00 on 25 March in Mexico City; the horizon is 8 weeks on: 20 May
    horizon_noon = datetime(2026, 5, 20, 18, tzinfo=UTC)
    inside = [
        add_session(db, schedule, NOW - timedelta(days=6), trainer=trainer),
        add_session(db, schedule, horizon_noon, trainer=trainer),
    ]
    add_session(db, schedule, NOW - timedelta(days=8), trainer=trainer)
    add_session(db, schedule, horizon_noon + timedelta(days=1), trainer=trainer)

    for path in ("/schedule.ics", f"/trainer/{trainer.calendar_token}/sessions.ics"):
        assert set(events(client.get(path))) == {uid(cs) for cs in inside}


def test_public_feed_leaves_out_inactive_class_types(client, db, schedule, clock):
    clock(NOW)
    shown = add_session(db, schedule, NOW + timedelta(days=1))
    add_session(
        db, schedule, NOW + timedelta(days=1), class_type=schedule.class_type(is_active=False)
    )

    assert set(events(client.get("/schedule.ics"))) == {uid(shown)}


def test_trainer_feed_has_only_that_trainers_sessions(client, db, schedule, clock, trainer):
    clock(NOW)
    theirs = add_session(db, schedule, NOW + timedelta(days=1), trainer=trainer)
    add_session(db, schedule, NOW + timedelta(days=1), trainer=schedule.trainer(name="Luis Gil"))

    response = client.get(f"/trainer/{trainer.calendar_token}/sessions.ics")

    assert set(events(response)) == {uid(theirs)}
    assert str(parse(response)["X-WR-CALNAME"]) == "Ana Torres's classes at Cupo Gym"
    assert response.headers["Cache-Control"].startswith("private")


@pytest.mark.parametrize("token", ["not-a-token", "x" * 65, "%00", "%C3%B1", "' OR 1=1 --"])
def test_trainer_feed_with_an_unknown_token_is_404(client, trainer, token):
    assert client.get(f"/trainer/{token}/sessions.ics").status_code == 404


def test_trainer_feed_of_a_trainer_who_left_is_404(client, db, trainer):
    trainer.is_active = False
    db.session.commit()

    assert client.get(f"/trainer/{trainer.calendar_token}/sessions.ics").status_code == 404


def test_feeds_need_no_sign_in_and_are_the_same_for_a_signed_in_member(
    client, db, schedule, clock, login, factories
):
    clock(NOW)
    cs = add_session(db, schedule, NOW + timedelta(days=1))
    anonymous = client.get("/schedule.ics").get_data()
    login(factories.member())

    assert client.get("/schedule.ics").get_data() == anonymous
    assert uid(cs).encode() in anonymous


def test_public_feed_runs_the_same_number_of_queries_for_10_and_200_sessions(
    client, db, schedule, clock
):
    clock(NOW)
    add_many(db, schedule, 10, NOW + timedelta(hours=1))
    client.get("/schedule.ics")  # warm caches

    with counting_statements(db.engine) as few:
        assert len(events(client.get("/schedule.ics"))) == 10
    add_many(db, schedule, 190, NOW + timedelta(days=1))
    with counting_statements(db.engine) as many:
        assert len(events(client.get("/schedule.ics"))) == 200

    assert len(few) == len(many), (few, many)
