"""The member's schedule: by day and by week, filters, what members never see."""

from datetime import timedelta

import pytest

from app.booking.models import Booking
from app.scheduling.models import SessionStatus
from tests.accounts.support import page_text
from tests.queries import counting_statements
from tests.scheduling.member_support import NOW, add_many, add_session, listed_ids

TODAY_NOON = NOW + timedelta(hours=8)  # 12:00 in Mexico City, the gym's default zone


@pytest.fixture
def as_member(client, login, factories, clock):
    clock(NOW)
    login(factories.member())
    return client


def test_day_view_shows_todays_sessions_with_time_class_trainer_room_and_spots(
    as_member, db, schedule
):
    cs = add_session(
        db,
        schedule,
        TODAY_NOON,
        trainer=schedule.trainer(name="Ana Torres"),
        room=schedule.room(name="Studio B"),
        class_type=schedule.class_type(name="Power Yoga", colour="#d63939"),
    )
    tomorrow = add_session(db, schedule, TODAY_NOON + timedelta(days=1))

    response = as_member.get("/app/schedule")

    assert response.status_code == 200
    assert listed_ids(response) == [cs.id]
    text = page_text(response)
    for shown in ("12:00\u202fPM", "1:00\u202fPM", "Power Yoga", "Ana Torres", "Studio B"):
        assert shown in text
    assert "12 spots left" in text
    assert "All levels" in text and 'data-bg="#d63939"' in text  # the class dot, painted by app.js
    assert "Wednesday, March 25, 2026" in text
    assert tomorrow.id not in listed_ids(as_member.get("/app/schedule?date=2026-03-25"))


def test_day_view_shows_the_day_asked_for(as_member, db, schedule):
    add_session(db, schedule, TODAY_NOON)
    friday = add_session(db, schedule, TODAY_NOON + timedelta(days=2))

    response = as_member.get("/app/schedule?date=2026-03-27")

    assert listed_ids(response) == [friday.id]
    assert 'aria-current="date" aria-label="Friday, March 27, 2026"' in page_text(response)


def test_day_strip_shows_the_seven_days_of_the_week_with_links_to_the_next_and_last(
    as_member,
):
    text = page_text(as_member.get("/app/schedule?date=2026-03-27&class_type=&free=1"))

    for day in range(23, 30):
        assert f"/app/schedule?view=day&date=2026-03-{day}&free=1" in text
    assert 'href="/app/schedule?view=day&date=2026-03-20&free=1" rel="prev"' in text
    assert 'href="/app/schedule?view=day&date=2026-04-03&free=1" rel="next"' in text


def test_week_view_lists_monday_to_sunday_grouped_by_day(as_member, db, schedule):
    # the week of Wednesday 25 March 2026 runs from Monday 23 to Sunday 29, local time
    monday = add_session(db, schedule, NOW.replace(hour=6, minute=30) - timedelta(days=2))
    sunday_late = add_session(db, schedule, NOW.replace(hour=5, minute=30) + timedelta(days=5))
    wednesday = add_session(db, schedule, TODAY_NOON)
    add_session(db, schedule, NOW.replace(hour=5, minute=30) - timedelta(days=2))  # Sun 22, 23:30
    add_session(db, schedule, NOW.replace(hour=6, minute=30) + timedelta(days=5))  # Mon 30, 0:30

    response = as_member.get("/app/schedule?view=week")

    assert listed_ids(response) == [monday.id, wednesday.id, sunday_late.id]
    text = page_text(response)
    headings = [text.index(day) for day in ("Monday, March 23", "Wednesday, March 25")]
    assert headings == sorted(headings) and "Sunday, March 29, 2026</h3>" in text
    assert "Tuesday, March 24, 2026</h3>" not in text  # days without classes are left out


def test_members_see_no_draft_cancelled_or_inactive_type_session(as_member, db, schedule):
    shown = add_session(db, schedule, TODAY_NOON)
    add_session(db, schedule, TODAY_NOON, status=SessionStatus.DRAFT)
    add_session(db, schedule, TODAY_NOON, status=SessionStatus.CANCELLED)
    retired = schedule.class_type(name="Retired Spin", is_active=False)
    add_session(db, schedule, TODAY_NOON, class_type=retired)

    for path in ("/app/schedule", "/app/schedule?view=week"):
        response = as_member.get(path)
        assert listed_ids(response) == [shown.id]
        assert "Retired Spin" not in page_text(response)  # nor in the class filter


def test_trainer_filter_shows_only_that_trainers_sessions(as_member, db, schedule):
    ana, luis = schedule.trainer(name="Ana Torres"), schedule.trainer(name="Luis Gil")
    hers = add_session(db, schedule, TODAY_NOON, trainer=ana)
    add_session(db, schedule, TODAY_NOON + timedelta(hours=2), trainer=luis)

    response = as_member.get(f"/app/schedule?trainer={ana.id}")

    assert listed_ids(response) == [hers.id]
    assert f'<option selected value="{ana.id}">Ana Torres</option>' in page_text(response)


def test_class_type_filter_shows_only_that_class(as_member, db, schedule):
    yoga, spin = schedule.class_type(name="Yoga Flow"), schedule.class_type(name="Spin")
    add_session(db, schedule, TODAY_NOON, class_type=yoga)
    spin_class = add_session(db, schedule, TODAY_NOON + timedelta(days=1), class_type=spin)

    response = as_member.get(f"/app/schedule?view=week&class_type={spin.id}")

    assert listed_ids(response) == [spin_class.id]


def test_full_session_says_full_and_the_free_spots_filter_hides_it(
    as_member, db, schedule, factories
):
    full = add_session(db, schedule, TODAY_NOON, capacity=2)
    nearly = add_session(db, schedule, TODAY_NOON + timedelta(hours=2), capacity=2)
    for cs in (full, full, nearly):
        db.session.add(Booking(session_id=cs.id, member_id=factories.member().id))
    db.session.commit()

    everything = as_member.get("/app/schedule")
    free_only = as_member.get("/app/schedule?free=1")

    assert listed_ids(everything) == [full.id, nearly.id]
    assert "Full" in page_text(everything) and "1 spot left" in page_text(everything)
    assert listed_ids(free_only) == [nearly.id]
    assert '<input checked class="form-check-input" id="free"' in page_text(free_only)


@pytest.mark.parametrize(
    "query",
    [
        "date=2026-02-30",
        "date=tomorrow",
        "date=99999-01-01",
        "date=9999-12-31",
        "date=0001-01-01",
        "trainer=abc",
        "trainer=999999",
        "trainer=-4",
        "class_type=1.5",
        "class_type=99999999999999999999999",
        "view=month",
        "free=maybe",
        "date=&trainer=&class_type=&view=",
        "date[]=x&trainer=1&trainer=2",
        "date=%00&trainer=%00&class_type=%C3%B1",
    ],
)
def test_unreadable_parameters_are_ignored(as_member, db, schedule, query):
    today = add_session(db, schedule, TODAY_NOON)

    response = as_member.get(f"/app/schedule?{query}")

    assert response.status_code == 200
    assert today.id in listed_ids(response)


def test_a_filter_change_by_htmx_gets_only_the_list(as_member, db, schedule):
    cs = add_session(db, schedule, TODAY_NOON)

    partial = as_member.get("/app/schedule?free=1", headers={"HX-Request": "true"})
    restored = as_member.get(
        "/app/schedule?free=1",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert listed_ids(partial) == [cs.id]
    assert "<html" not in partial.get_data(as_text=True)
    assert '<span id="filter-count" data-hx-swap-oob="true">' in page_text(partial)
    assert "1 on" in page_text(partial)  # the count of filters on, above the list
    assert "HX-Request" in partial.headers["Vary"]
    assert "<html" in restored.get_data(as_text=True)


def test_filter_form_works_without_javascript_and_swaps_the_list_with_it(as_member):
    text = page_text(as_member.get("/app/schedule"))

    assert '<form method="get" action="/app/schedule"' in text
    assert (
        'data-hx-get="/app/schedule" data-hx-target="#schedule-list" data-hx-push-url="true"'
        in text
    )
    assert '<div id="schedule-list">' in text


def test_schedule_is_a_tab_of_the_member_app(as_member):
    text = page_text(as_member.get("/app/schedule"))

    assert '<a href="/app/schedule" aria-current="page">' in text
    assert "ti-calendar" in text


def test_week_view_runs_the_same_number_of_queries_for_10_and_200_sessions(as_member, db, schedule):
    monday = NOW.replace(hour=12) - timedelta(days=2)
    add_many(db, schedule, 10, monday)
    as_member.get("/app/schedule?view=week")  # warm caches (templates, gym settings)

    with counting_statements(db.engine) as few:
        assert len(listed_ids(as_member.get("/app/schedule?view=week"))) == 10
    add_many(db, schedule, 190, monday + timedelta(minutes=10), step=timedelta(minutes=40))
    with counting_statements(db.engine) as many:
        assert len(listed_ids(as_member.get("/app/schedule?view=week"))) == 200

    assert len(few) == len(many), (few, many)
