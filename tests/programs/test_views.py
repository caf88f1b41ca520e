"""Programs pages: the trainer builds and assigns, the member logs and reads,
and everyone else's ids are 404 (or 403 for the wrong role)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.i18n import gym_today
from app.programs.models import DietChart, Program, ProgramDay, ProgramLine, SetLog
from app.programs.services import diet
from tests.accounts.support import page_text
from tests.conftest import csrf_token, post_form


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def setting(db, pf, app_ctx):
    """Trainer A with a client on an assigned program (a set logged) and a
    diet chart; trainer B with their own client and program."""
    a, b = pf.trainer(), pf.trainer()
    member = pf.client(a, language="en")
    other_member = pf.client(b)
    program = pf.program(a, member=member, starts_on=gym_today() - timedelta(days=3))
    template = pf.program(a)
    theirs = pf.program(b, member=other_member, starts_on=gym_today())
    chart = diet.assign_diet_chart(
        member.id, name="Lean", kcal=2000, protein_g=150, carbs_g=200, fat_g=60, actor=a.user
    )
    meal = diet.add_meal(chart.id, name="Breakfast", items="Oats: 80 g", actor=a.user)
    their_chart = diet.assign_diet_chart(
        other_member.id, name="Theirs", kcal=1, protein_g=1, carbs_g=1, fat_g=1, actor=b.user
    )
    return {
        "a": a,
        "b": b,
        "member": member,
        "other_member": other_member,
        "program": program,
        "template": template,
        "theirs": theirs,
        "chart": chart,
        "meal": meal,
        "their_chart": their_chart,
    }


def test_the_trainer_pages_render(client, login, setting):
    login(setting["a"].user)
    program = setting["program"]
    pages = [
        "/trainer/programs/",
        "/trainer/programs/?show=assigned",
        "/trainer/programs/new",
        f"/trainer/programs/{program.id}",
        f"/trainer/programs/{setting['template'].id}/assign",
        f"/trainer/programs/days/{program.days[0].id}/lines/new",
        f"/trainer/programs/lines/{program.days[0].lines[0].id}/edit",
        f"/trainer/programs/clients/{setting['member'].id}",
        f"/trainer/programs/clients/{setting['member'].id}/diet",
        "/trainer/programs/exercises",
        "/trainer/programs/exercises/new",
        f"/trainer/programs/exercises/{program.days[0].lines[0].exercise_id}/edit",
    ]
    answers = {page: client.get(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 200)
    diet_page = client.get(f"/trainer/programs/clients/{setting['member'].id}/diet")
    assert f"/trainer/programs/diet/meals/{setting['meal'].id}/delete" in diet_page.get_data(
        as_text=True
    )


def test_a_trainer_builds_a_program_from_the_pages(db, client, login, pf, setting):
    login(setting["a"].user)
    exercise = pf.exercise("Squat")

    created = post_form(client, "/trainer/programs/new", {"name": "Legs", "goal": "", "weeks": "6"})
    program = db.session.scalar(select(Program).where(Program.name == "Legs"))
    post_form(
        client,
        f"/trainer/programs/{program.id}/days",
        {"day-name": "Day 1 – Legs"},
        token_from=f"/trainer/programs/{program.id}",
    )
    day = db.session.scalar(select(ProgramDay).where(ProgramDay.program_id == program.id))
    added = post_form(
        client,
        f"/trainer/programs/days/{day.id}/lines/new",
        {
            "exercise_id": exercise.id,
            "sets": "4",
            "reps": "6-8",
            "weight": "80",
            "rest_seconds": "120",
            "superset": "a",
            "note": "Pause at the bottom",
        },
    )

    assert created.status_code == 302 and added.status_code == 302
    line = db.session.scalar(select(ProgramLine).where(ProgramLine.day_id == day.id))
    assert (line.sets, line.reps_min, line.reps_max, line.weight_g, line.superset) == (
        4,
        6,
        8,
        80_000,
        "A",
    )


def test_a_bad_line_rerenders_with_field_errors(db, client, login, setting):
    login(setting["a"].user)
    day = setting["template"].days[0]
    before = _count(db, ProgramLine)

    response = post_form(
        client,
        f"/trainer/programs/days/{day.id}/lines/new",
        {
            "exercise_id": day.lines[0].exercise_id,
            "sets": "3",
            "reps": "0",
            "weight": "2000",
            "rest_seconds": "-5",
        },
    )

    assert response.status_code == 422
    assert "Reps must be at least 1." in page_text(response)
    assert _count(db, ProgramLine) == before


def test_lines_move_up_and_down(db, client, login, setting):
    login(setting["a"].user)
    day = setting["template"].days[0]
    first, second = day.lines

    post_form(
        client,
        f"/trainer/programs/lines/{second.id}/move",
        {"direction": "up"},
        token_from=f"/trainer/programs/{day.program_id}",
    )

    db.session.expire_all()
    assert [line.id for line in db.session.get(ProgramDay, day.id).lines] == [second.id, first.id]


@pytest.mark.parametrize(
    "path",
    [
        "/trainer/programs/{theirs}",
        "/trainer/programs/{theirs}/assign",
        "/trainer/programs/days/{their_day}/lines/new",
        "/trainer/programs/lines/{their_line}/edit",
        "/trainer/programs/clients/{other_member}",
        "/trainer/programs/clients/{other_member}/diet",
    ],
)
def test_another_trainers_ids_are_404(client, login, setting, path):
    theirs = setting["theirs"]
    login(setting["a"].user)

    response = client.get(
        path.format(
            theirs=theirs.id,
            their_day=theirs.days[0].id,
            their_line=theirs.days[0].lines[0].id,
            other_member=setting["other_member"].id,
        )
    )

    assert response.status_code == 404


def test_another_trainers_writes_are_404_and_change_nothing(db, client, login, setting):
    theirs, chart = setting["theirs"], setting["their_chart"]
    login(setting["a"].user)
    token = csrf_token(client, "/trainer/programs/")
    line = theirs.days[0].lines[0]
    posts = [
        (f"/trainer/programs/{theirs.id}/details", {"name": "Mine", "weeks": "4"}),
        (f"/trainer/programs/{theirs.id}/days", {"day-name": "Extra"}),
        (f"/trainer/programs/days/{theirs.days[0].id}/delete", {}),
        (f"/trainer/programs/lines/{line.id}/delete", {}),
        (f"/trainer/programs/lines/{line.id}/move", {"direction": "down"}),
        (f"/trainer/programs/{theirs.id}/end", {}),
        (f"/trainer/programs/diet/{chart.id}/meals", {"meal-name": "x", "meal-items": "a"}),
    ]

    answers = {
        path: client.post(path, data={**data, "csrf_token": token}).status_code
        for path, data in posts
    }

    assert set(answers.values()) == {404}
    db.session.expire_all()
    assert db.session.get(Program, theirs.id).name == "Strength"
    assert len(db.session.get(Program, theirs.id).days[0].lines) == 2
    assert db.session.get(DietChart, chart.id).meals == []


def test_the_member_pages_render_and_read(client, login, setting):
    login(setting["member"])

    home = client.get("/app/program/")
    progress = client.get("/app/program/progress")
    diet_page = client.get("/app/program/diet")

    assert (home.status_code, progress.status_code, diet_page.status_code) == (200, 200, 200)
    assert "Day 1" in page_text(home)
    assert "Oats" in page_text(diet_page) and "2000 kcal" in page_text(diet_page)
    assert "/css/programs." in diet_page.get_data(as_text=True)


def test_a_member_logs_a_set_with_htmx_and_sees_it(db, client, login, setting):
    login(setting["member"])
    line = setting["program"].days[0].lines[0]

    response = post_form(
        client,
        f"/app/program/lines/{line.id}/sets",
        {"reps": "10", "weight": "55", "rpe": "8"},
        token_from="/app/program/",
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Set 1: 10 reps · 55 kg · RPE 8" in page_text(response)
    progress = page_text(client.get("/app/program/progress"))
    assert "Best: 55 kg" in progress and "Estimated 1RM: 73.33 kg" in progress


def test_a_bad_set_shows_field_errors_and_writes_nothing(db, client, login, setting):
    login(setting["member"])
    line = setting["program"].days[0].lines[0]

    response = post_form(
        client,
        f"/app/program/lines/{line.id}/sets",
        {"reps": "0", "weight": "-3"},
        token_from="/app/program/",
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "Enter the reps (or seconds) you did, at least 1." in page_text(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert _count(db, SetLog) == 0


def test_a_member_logging_on_someone_elses_program_is_404(db, client, login, setting):
    login(setting["member"])
    their_line = setting["theirs"].days[0].lines[0]

    response = post_form(
        client,
        f"/app/program/lines/{their_line.id}/sets",
        {"reps": "5"},
        token_from="/app/program/",
    )

    assert response.status_code == 404
    assert _count(db, SetLog) == 0


def test_member_writes_to_a_program_are_403(db, client, login, setting):
    login(setting["member"])
    program = setting["program"]
    token = csrf_token(client, "/app/program/")
    posts = [
        f"/trainer/programs/{program.id}/details",
        f"/trainer/programs/{program.id}/days",
        f"/trainer/programs/days/{program.days[0].id}/lines/new",
        f"/trainer/programs/lines/{program.days[0].lines[0].id}/edit",
        f"/trainer/programs/lines/{program.days[0].lines[0].id}/delete",
    ]

    answers = {
        path: client.post(path, data={"name": "x", "csrf_token": token}).status_code
        for path in posts
    }

    assert set(answers.values()) == {403}
    db.session.expire_all()
    assert len(db.session.get(Program, program.id).days[0].lines) == 2


def test_the_front_desk_gets_403_on_programs_pages(client, login, factories, setting):
    login(factories.front_desk())
    pages = [
        "/trainer/programs/",
        f"/trainer/programs/{setting['program'].id}",
        f"/trainer/programs/clients/{setting['member'].id}",
        "/trainer/programs/exercises",
        "/app/program/",
    ]

    assert {client.get(page).status_code for page in pages} == {403}


def test_an_admin_sees_every_trainers_programs(client, login, factories, setting):
    login(factories.admin())

    listing = page_text(client.get("/trainer/programs/?show=assigned"))
    page = client.get(f"/trainer/programs/clients/{setting['other_member'].id}")

    assert page.status_code == 200
    assert listing.count("Strength") == 2
