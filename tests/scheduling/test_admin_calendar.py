"""Back office: the week calendar, its filters and week links, readable
colours, and a query count that does not grow with the sessions."""

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.core import signals
from app.extensions import db as _db
from app.scheduling.colours import class_colours, text_colour
from app.scheduling.forms.sessions import parse_week
from app.scheduling.models import ClassSession, SessionStatus
from tests.accounts.support import page_text
from tests.queries import counting_statements
from tests.scheduling import admin_support
from tests.scheduling.admin_support import NOW, add_session, local
from tests.tools import swap_receivers

#: fixtures shared by the back-office scheduling tests
admin = admin_support.admin
as_admin = admin_support.as_admin
as_desk = admin_support.as_desk
now = admin_support.now


CALENDAR = "/admin/calendar"
MONDAY = date(2026, 11, 30)  # the week of NOW


@pytest.fixture
def week(db, schedule, now):
    carla, leo = schedule.trainer(name="Carla Méndez"), schedule.trainer(name="Leo Ruiz")
    studio, hall = schedule.room(name="Studio A"), schedule.room(name="Hall")
    spin = schedule.class_type(name="Spin", colour="#ffeb3b", default_capacity=12)
    boxing = schedule.class_type(name="Boxing", colour="#1d3557")
    return {
        "spin": add_session(db, spin, carla, studio, local(date(2026, 12, 3), time(18))),
        "boxing": add_session(db, boxing, leo, hall, local(MONDAY, time(7))),
        "late": add_session(db, boxing, leo, studio, local(date(2026, 12, 6), time(23, 30))),
        "cancelled": add_session(
            db,
            spin,
            leo,
            hall,
            local(date(2026, 12, 2), time(9)),
            status=SessionStatus.CANCELLED,
            cancelled_at=NOW,
            cancel_reason="Closed",
        ),
        "next_week": add_session(db, spin, carla, studio, local(date(2026, 12, 7), time(9))),
    }


def day_column(response, day: date) -> str:
    """The HTML of one day's column."""
    text = page_text(response)
    start = text.index(f'aria-labelledby="day-{day.isoformat()}"')
    end = text.find("</section>", start)
    return text[start:end]


def shown(response) -> set[int]:
    return {int(i) for i in re.findall(r'data-session-id="(\d+)"', page_text(response))}


def test_calendar_puts_each_session_under_its_local_day(as_admin, week):
    response = as_admin.get(CALENDAR)

    assert response.status_code == 200
    thursday = day_column(response, date(2026, 12, 3))
    assert f'data-session-id="{week["spin"].id}"' in thursday
    assert "6:00\u202fPM–7:00\u202fPM" in thursday or "6:00 PM–7:00 PM" in thursday
    assert "Spin" in thursday and "Carla Méndez · Studio A" in thursday
    assert "12 spots left" in thursday
    # 23:30 on Sunday local is Monday in UTC: still Sunday's column
    assert f'data-session-id="{week["late"].id}"' in day_column(response, date(2026, 12, 6))
    assert week["next_week"].id not in shown(response)


def test_calendar_colours_blocks_with_readable_text(as_admin, week):
    text = page_text(as_admin.get(CALENDAR))

    # app.js sets these as the block's background and text colours
    assert 'data-bg="#ffeb3b" data-fg="#182433"' in text
    assert 'data-bg="#1d3557" data-fg="#ffffff"' in text


def test_calendar_strikes_through_cancelled_sessions(as_admin, week):
    wednesday = day_column(as_admin.get(CALENDAR), date(2026, 12, 2))

    assert 'class="session-block is-cancelled"' in wednesday
    assert "Cancelled" in wednesday


def test_calendar_shows_spots_left_from_the_spot_counters(as_admin, week, monkeypatch):
    swap_receivers(monkeypatch, signals.spots_taken, lambda ids: {week["spin"].id: 12})

    thursday = day_column(as_admin.get(CALENDAR), date(2026, 12, 3))

    assert "Full" in thursday


def test_calendar_links_to_previous_next_and_this_week(as_admin, week):
    text = page_text(as_admin.get(CALENDAR + "?week=2026-12-09"))

    assert 'href="/admin/calendar?week=2026-11-30"' in text
    assert 'href="/admin/calendar?week=2026-12-14"' in text
    assert 'href="/admin/calendar">Today' in text
    assert 'aria-labelledby="day-2026-12-07"' in text
    assert 'aria-labelledby="day-2026-12-13"' in text


def test_calendar_shows_the_week_asked_for(as_admin, week):
    response = as_admin.get(CALENDAR + "?week=2026-12-07")

    assert shown(response) == {week["next_week"].id}


@pytest.mark.parametrize(
    "value", ["garbage", "2026-13-45", "0001-01-01", "9999-12-31", "", "2026-W49", "' or 1=1"]
)
def test_calendar_shows_this_week_for_a_bad_week(as_admin, week, value):
    response = as_admin.get(CALENDAR, query_string={"week": value})

    assert response.status_code == 200
    assert 'aria-labelledby="day-2026-11-30"' in page_text(response)


def test_calendar_marks_today(as_admin, week):
    text = page_text(as_admin.get(CALENDAR))

    assert 'id="day-2026-12-01" aria-current="date"' in text


def test_calendar_filters_by_trainer_and_room_and_keeps_them_in_week_links(as_admin, week):
    leo, hall = week["boxing"].trainer_id, week["boxing"].room_id

    by_trainer = as_admin.get(CALENDAR, query_string={"trainer": leo})
    by_both = as_admin.get(CALENDAR, query_string={"trainer": leo, "room": hall})

    assert shown(by_trainer) == {week["boxing"].id, week["late"].id, week["cancelled"].id}
    assert shown(by_both) == {week["boxing"].id, week["cancelled"].id}
    assert f"week=2026-12-07&amp;trainer={leo}&amp;room={hall}" in by_both.get_data(as_text=True)


@pytest.mark.parametrize("args", [{"trainer": "abc"}, {"room": "-1"}, {"trainer": "424242"}])
def test_calendar_ignores_a_bad_filter(as_admin, week, args):
    response = as_admin.get(CALENDAR, query_string=args)

    assert response.status_code == 200
    assert len(shown(response)) == 4


def test_front_desk_may_read_the_calendar_without_new_class_links(as_desk, week):
    response = as_desk.get(CALENDAR)

    assert response.status_code == 200
    assert "/admin/sessions/new" not in page_text(response)


def test_admin_gets_add_links_only_from_today_on(as_admin, week):
    text = page_text(as_admin.get(CALENDAR))

    assert "/admin/sessions/new?day=2026-12-01" in text
    assert "/admin/sessions/new?day=2026-11-30" not in text


# ---- query count -------------------------------------------------------------


def _fill_week(db, schedule, n: int) -> None:
    """`n` sessions across the week, three trainers, rooms and class types."""
    trainers = [schedule.trainer(name=f"Trainer {i}") for i in range(3)]
    rooms = [schedule.room() for _ in range(3)]
    types = [schedule.class_type() for _ in range(3)]
    db.session.add_all(
        ClassSession(
            class_type=types[i % 3],
            trainer=trainers[(i // 3) % 3],
            room=rooms[(i // 9) % 3],
            starts_at=local(MONDAY + timedelta(days=i % 7), time(6)) + timedelta(minutes=i),
            ends_at=local(MONDAY + timedelta(days=i % 7), time(7)) + timedelta(minutes=i),
            occurs_on=MONDAY + timedelta(days=i % 7),
            capacity=10,
            status=SessionStatus.DRAFT if i % 11 == 0 else SessionStatus.PUBLISHED,
        )
        for i in range(n)
    )
    db.session.commit()


def _counting_spot_counter(session_ids):
    """Stands in for the booking domain's counter: one query for all sessions."""
    rows = _db.session.scalars(select(ClassSession.id).where(ClassSession.id.in_(session_ids)))
    return dict.fromkeys(rows, 2)


def _statements(client, path):
    with counting_statements(_db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements), response


@pytest.mark.parametrize("path", [CALENDAR, CALENDAR + "?trainer=&room="])
def test_calendar_runs_the_same_number_of_queries_for_10_and_200_sessions(
    db, as_admin, schedule, monkeypatch, path
):
    swap_receivers(monkeypatch, signals.spots_taken, _counting_spot_counter)
    _fill_week(db, schedule, 10)
    few, response = _statements(as_admin, path)
    assert len(shown(response)) == 10
    db.session.execute(ClassSession.__table__.delete())
    _fill_week(db, schedule, 200)

    many, response = _statements(as_admin, path)

    assert len(shown(response)) == 200
    assert few == many


@pytest.mark.parametrize("path", ["/admin/rooms", "/admin/class-types", "/admin/timetable"])
def test_catalogue_lists_run_the_same_number_of_queries_whatever_their_length(
    db, as_admin, schedule, path
):
    def grow(n):
        for _ in range(n):
            trainer, room = schedule.trainer(), schedule.room()
            class_type = schedule.class_type(default_trainer_id=trainer.id, default_room_id=room.id)
            schedule.entry(
                class_type=class_type.id,
                trainer=trainer.id,
                room=room.id,
                starts_on=date(2027, 6, 1),
            )

    grow(2)
    few, _ = _statements(as_admin, path)
    grow(10)

    many, _ = _statements(as_admin, path)

    assert few == many


# ---- helpers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#ffffff", "#182433"),
        ("#ffeb3b", "#182433"),
        ("#7fd3ff", "#182433"),
        ("#000000", "#ffffff"),
        ("#206bc4", "#ffffff"),
        ("#d63939", "#ffffff"),
    ],
)
def test_text_colour_picks_the_more_readable_of_white_and_dark(background, text):
    assert text_colour(background) == text


@pytest.mark.parametrize("colour", [None, "", "red", "#fff", "#12345g", "#123456;x:y", "#abcdef\n"])
def test_class_colours_fall_back_to_the_default_for_a_malformed_colour(colour):
    assert class_colours(colour) == ("#206bc4", "#ffffff")


def test_parse_week_returns_the_monday_of_the_given_day():
    today = date(2026, 12, 1)
    assert parse_week("2026-12-06", today) == MONDAY
    assert parse_week("2026-12-07", today) == date(2026, 12, 7)
    assert parse_week(None, today) == MONDAY


# ---- navigation and language -------------------------------------------------


def test_front_desk_menu_offers_calendar_and_sessions_only(as_desk):
    text = page_text(as_desk.get(CALENDAR))

    assert 'href="/admin/calendar" aria-current="page"' in text
    assert 'href="/admin/sessions"' in text
    assert 'href="/admin/timetable"' not in text and 'href="/admin/rooms"' not in text


def test_admin_menu_marks_the_section_of_a_session_page(as_admin, week):
    text = page_text(as_admin.get(f"/admin/sessions/{week['spin'].id}"))

    assert 'href="/admin/sessions" aria-current="page"' in text
    assert 'href="/admin/calendar" aria-current="page"' not in text


def test_calendar_and_weekdays_follow_the_admins_language(client, login, factories, week):
    login(factories.admin(language="es"))

    calendar = page_text(client.get(CALENDAR))
    entry_form = page_text(client.get("/admin/timetable/new"))

    assert '<html lang="es">' in calendar
    assert "jue 3 dic" in calendar.lower()
    assert "Lunes" in entry_form and "Domingo" in entry_form
