"""The trainer's dashboard: today's classes (the next on top) with bookings
and check-ins, and the no-shows of the last 14 days with 30-day counts."""

from datetime import timedelta

import pytest

from app.attendance.services import check_in
from app.booking.services.bookings import book_now
from tests.booking.conftest import NOW
from tests.portals.test_trainer_clients import Clients
from tests.queries import counting_statements


@pytest.fixture
def gym(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    gym = Clients(db, factories, schedule)
    gym.clock = clock
    return gym


@pytest.fixture
def coach(gym):
    return gym.factories.trainer_profile(name="Carla Coach")


def _page(client):
    response = client.get("/trainer/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_today_lists_own_classes_next_first_with_booked_and_checked_in(
    gym, coach, client, login, clock
):
    admin = gym.schedule.admin()
    early = gym.taught_by(coach, timedelta(hours=1))  # 10:00 local
    late = gym.taught_by(coach, timedelta(hours=4))  # 13:00 local
    other = gym.taught_by(gym.factories.trainer_profile(), timedelta(hours=2))
    ana, bea = gym.member(credits=2, name="Ana"), gym.member(credits=2, name="Bea")
    booking = book_now(early.id, ana, actor=admin)
    book_now(early.id, bea, actor=admin)
    book_now(late.id, ana, actor=admin)
    clock(early.starts_at)
    check_in(booking.id, actor=admin)
    clock(early.ends_at + timedelta(minutes=5))  # the first class is over
    login(coach.user)

    page = _page(client)
    today = page[page.index('data-testid="today"') : page.index("</section>")]

    assert f'data-session-id="{late.id}"' in today and f'data-session-id="{other.id}"' not in today
    position = {cs: today.index(f'data-session-id="{cs.id}"') for cs in (early, late)}
    assert position[late] < position[early]
    first = today[position[early] :]
    assert "2 of 5 booked" in first and "1 checked in" in first
    assert "Next" in today


def test_no_shows_of_the_last_14_days_with_each_members_30_day_count(
    gym, coach, client, login, clock
):
    ana = gym.member(credits=5, name="Ana Alba")
    gym.history(ana, coach, came=1, missed=2)
    clock(NOW + timedelta(days=2))
    login(coach.user)

    no_shows = _page(client).split('data-testid="no-shows"')[1].split("</section>")[0]

    assert no_shows.count("Ana Alba") == 2 and "2 in 30 days" in no_shows


def test_the_dashboard_runs_the_same_statements_for_a_quiet_and_a_busy_day(
    gym, coach, client, login, clock, db
):
    made = []

    def busy(classes):  # all today: 75 minutes apart from 10:15 local
        for _ in range(classes):
            made.append(1)
            cs = gym.taught_by(coach, timedelta(minutes=75 * len(made)))
            for _ in range(2):
                book_now(cs.id, gym.member(credits=1), actor=gym.schedule.admin())

    busy(1)
    login(coach.user)
    with counting_statements(db.engine) as few:
        _page(client)
    busy(4)
    with counting_statements(db.engine) as many:
        _page(client)

    assert len(many) == len(few)


def test_the_desk_and_members_cannot_open_it(client, login, factories):
    for person in (factories.front_desk(), factories.member()):
        login(person)
        assert client.get("/trainer/").status_code == 403


def test_pending_leave_and_classes_needing_a_substitute_are_on_the_dashboard(
    gym, coach, client, login
):
    from datetime import date

    from app.staff.models import LeaveKind
    from app.staff.services.leave import decide_leave, request_leave

    rival = gym.factories.trainer_profile(name="Diego Díaz")
    away = gym.taught_by(rival, timedelta(days=1))  # Wednesday 9:00 local
    admin = gym.schedule.admin()
    day = date(2026, 12, 2)
    leave = request_leave(
        rival.id, {"kind": LeaveKind.SICK, "first_day": day, "last_day": day}, actor=rival.user
    )
    decide_leave(leave.id, True, "", actor=admin)
    later = date(2026, 12, 21)
    request_leave(
        coach.id,
        {"kind": LeaveKind.VACATION, "first_day": later, "last_day": later},
        actor=coach.user,
    )
    login(rival.user)
    assert f'data-cover-session-id="{away.id}"' in _page(client)

    login(coach.user)
    section = _page(client).split('data-testid="time-off"')[1].split("</section>")[0]

    assert "Waiting for a decision" in section and "Vacation" in section


def test_a_quiet_dashboard_shows_no_time_off_card(gym, coach, client, login):
    login(coach.user)
    assert 'data-testid="time-off"' not in _page(client)


def test_the_month_so_far_is_shown_as_an_estimate(gym, coach, client, login, clock, db):
    from datetime import date

    from app.staff.models import PayBasis
    from app.staff.services.pay import RateInput, set_rate

    rate = RateInput(PayBasis.PER_CLASS, 30_000, date(2026, 11, 1))
    set_rate(coach.id, rate, actor=gym.schedule.admin())
    for _ in range(2):
        gym.taught_by(coach, gym.next_start())
    clock(NOW + timedelta(days=1))
    login(coach.user)

    earnings = _page(client).split('data-testid="earnings"')[1].split("</section>")[0]

    assert "Estimate" in earnings and "2 sessions" in earnings and "600.00" in earnings
