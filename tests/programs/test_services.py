"""Programs services: validation with field errors and nothing written,
copies on assignment, one active program, logs that keep their prescription,
diet charts, and the member's email."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.errors import AccessDenied, NotYours
from app.core.i18n import gym_today
from app.programs.models import DietChart, Program, ProgramLine, ProgramStatus, SetLog
from app.programs.services import ProgramError, diet, logs, programs
from app.programs.services.prescriptions import Reps, parse_reps, parse_weight

pytestmark = pytest.mark.usefixtures("app_ctx")


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


GOOD_LINE = {"exercise_id": None, "sets": "3", "reps": "8-12", "weight": "60", "rest_seconds": "90"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reps": "0"}, "reps", "Reps must be at least 1."),
        ({"reps": "-5"}, "reps", "Reps must be at least 1."),
        ({"reps": "12-8"}, "reps", "Write a range low to high, such as 8-12."),
        ({"reps": "lots"}, "reps", "Enter the reps, a range such as 8-12, or seconds such as 30s."),
        ({"reps": "0s"}, "reps", "Enter between 1 and 3600 seconds."),
        ({"weight": "1000.5"}, "weight", "Enter at most 1,000 kg."),
        ({"weight": "-10"}, "weight", "The weight cannot be negative."),
        (
            {"weight": "heavy"},
            "weight",
            "Enter the weight in kg, such as 62.5, or leave it blank for bodyweight.",
        ),
        ({"rest_seconds": "-1"}, "rest_seconds", "Enter a rest between 0 and 3600 seconds."),
        ({"sets": "0"}, "sets", "Enter between 1 and 50 sets."),
        ({"sets": "x"}, "sets", "Enter between 1 and 50 sets."),
        ({"exercise_id": 999_999}, "exercise_id", "Choose an exercise from the library."),
        ({"exercise_id": "abc"}, "exercise_id", "Choose an exercise from the library."),
    ],
)
def test_a_bad_line_is_a_field_error_and_writes_nothing(db, pf, change, field, message):
    trainer = pf.trainer()
    program = pf.program(trainer, lines=0)
    values = dict(GOOD_LINE, exercise_id=pf.exercise().id) | change
    before = _count(db, ProgramLine)

    with pytest.raises(ProgramError) as refused:
        programs.add_line(program.days[0].id, **values, actor=trainer.user)

    assert (refused.value.field, str(refused.value)) == (field, message)
    assert _count(db, ProgramLine) == before


def test_reps_and_weights_read_as_trainers_write_them():
    assert parse_reps("10") == Reps(10, None, None)
    assert parse_reps("8–12") == Reps(8, 12, None)
    assert parse_reps("45 s") == Reps(None, None, 45)
    assert parse_weight("62,5 kg") == 62_500
    assert parse_weight("") is None and parse_weight("BW") is None
    assert parse_weight("1000") == 1_000_000


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"weeks": "0"}, "weeks"),
        ({"weeks": "53"}, "weeks"),
        ({"weeks": "nine"}, "weeks"),
        ({"name": "x" * 121}, "name"),
    ],
)
def test_a_bad_program_is_a_field_error(db, pf, values, field):
    trainer = pf.trainer()
    before = _count(db, Program)

    with pytest.raises(ProgramError) as refused:
        programs.create_program(**({"name": "Strength", "weeks": "4"} | values), actor=trainer.user)

    assert refused.value.field == field
    assert _count(db, Program) == before


def test_assigning_copies_the_program_and_later_template_edits_leave_the_copy(db, pf):
    trainer = pf.trainer()
    member = pf.client(trainer)
    template = pf.program(trainer, days=2, lines=2)

    copy = programs.assign_program(
        template.id, member_id=member.id, starts_on=gym_today(), actor=trainer.user
    )
    programs.update_line(
        template.days[0].lines[0].id,
        exercise_id=template.days[0].lines[0].exercise_id,
        sets="5",
        reps="5",
        weight="100",
        actor=trainer.user,
    )

    db.session.expire_all()
    assert copy.id != template.id and copy.source_id == template.id
    assert (copy.status, copy.member_id, template.status) == (
        ProgramStatus.ACTIVE,
        member.id,
        ProgramStatus.TEMPLATE,
    )
    assert [len(day.lines) for day in copy.days] == [2, 2]
    first = copy.days[0].lines[0]
    assert (first.sets, first.reps_min, first.reps_max, first.weight_g) == (3, 8, 12, 50_000)


def test_assigning_a_new_program_ends_the_active_one(db, pf):
    trainer = pf.trainer()
    member = pf.client(trainer)
    template = pf.program(trainer)
    first = programs.assign_program(
        template.id, member_id=member.id, starts_on=gym_today(), actor=trainer.user
    )

    second = programs.assign_program(
        template.id, member_id=member.id, starts_on=gym_today(), actor=trainer.user
    )

    db.session.expire_all()
    assert first.status is ProgramStatus.ENDED and first.ended_at is not None
    assert second.status is ProgramStatus.ACTIVE
    active = select(func.count()).where(
        Program.member_id == member.id, Program.status == ProgramStatus.ACTIVE
    )
    assert db.session.scalar(active) == 1


def test_assigning_to_someone_not_the_trainers_client_is_404_and_writes_nothing(db, pf):
    trainer = pf.trainer()
    stranger = pf.client(pf.trainer())
    template = pf.program(trainer)
    before = _count(db, Program)

    with pytest.raises(NotYours):
        programs.assign_program(
            template.id, member_id=stranger.id, starts_on=gym_today(), actor=trainer.user
        )

    assert _count(db, Program) == before


def test_a_start_date_long_past_is_a_field_error(db, pf):
    trainer = pf.trainer()
    member = pf.client(trainer)
    template = pf.program(trainer)

    with pytest.raises(ProgramError) as refused:
        programs.assign_program(
            template.id,
            member_id=member.id,
            starts_on=gym_today() - timedelta(days=30),
            actor=trainer.user,
        )

    assert refused.value.field == "starts_on"


def test_another_trainers_program_is_404_to_change(db, pf):
    mine, theirs = pf.trainer(), pf.trainer()
    program = pf.program(theirs)

    with pytest.raises(NotYours):
        programs.add_day(program.id, name="Day 9", actor=mine.user)
    with pytest.raises(NotYours):
        programs.remove_line(program.days[0].lines[0].id, actor=mine.user)


def test_a_member_cannot_write_a_program(db, pf, factories):
    program = pf.program(pf.trainer())

    with pytest.raises(AccessDenied):
        programs.add_day(program.id, name="Mine now", actor=factories.member())


def test_a_logged_set_keeps_its_prescription_after_the_program_changes(db, pf):
    trainer = pf.trainer()
    member = pf.client(trainer)
    program = pf.program(trainer, member=member, starts_on=gym_today())
    line = program.days[0].lines[0]

    entry = logs.log_set(line.id, reps="10", weight="52.5", rpe="8", actor=member)
    programs.update_line(
        line.id, exercise_id=line.exercise_id, sets="5", reps="3", weight="80", actor=trainer.user
    )

    db.session.expire_all()
    entry = db.session.get(SetLog, entry.id)
    assert (entry.reps, entry.weight_g, entry.rpe, entry.set_number) == (10, 52_500, 8, 1)
    assert (
        entry.prescribed_sets,
        entry.prescribed_reps_min,
        entry.prescribed_reps_max,
        entry.prescribed_weight_g,
    ) == (3, 8, 12, 50_000)
    assert db.session.get(ProgramLine, line.id).sets == 5


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reps": "0"}, "reps"),
        ({"weight": "1200"}, "weight"),
        ({"weight": "-2"}, "weight"),
        ({"rpe": "11"}, "rpe"),
        ({"rpe": "0"}, "rpe"),
    ],
)
def test_a_bad_set_is_a_field_error_and_writes_nothing(db, pf, values, field):
    trainer = pf.trainer()
    member = pf.client(trainer)
    program = pf.program(trainer, member=member, starts_on=gym_today())

    with pytest.raises(ProgramError) as refused:
        logs.log_set(
            program.days[0].lines[0].id, **({"reps": "8", "weight": "50"} | values), actor=member
        )

    assert refused.value.field == field
    assert _count(db, SetLog) == 0


def test_logging_on_another_members_program_is_404(db, pf, factories):
    trainer = pf.trainer()
    owner = pf.client(trainer)
    program = pf.program(trainer, member=owner, starts_on=gym_today())

    with pytest.raises(NotYours):
        logs.log_set(program.days[0].lines[0].id, reps="8", actor=factories.member())

    assert _count(db, SetLog) == 0


def test_a_member_removes_only_their_own_set_of_today(db, pf, factories):
    trainer = pf.trainer()
    member = pf.client(trainer)
    program = pf.program(trainer, member=member, starts_on=gym_today())
    line = program.days[0].lines[0]
    first = logs.log_set(line.id, reps="8", weight="50", actor=member)
    second = logs.log_set(line.id, reps="7", weight="50", actor=member)

    with pytest.raises(NotYours):
        logs.remove_set(first.id, actor=factories.member())
    logs.remove_set(first.id, actor=member)

    db.session.expire_all()
    assert db.session.get(SetLog, second.id).set_number == 1
    assert _count(db, SetLog) == 1


def test_assigning_a_program_emails_the_member(db, pf, smtp):
    trainer = pf.trainer(name="Carla Coach")
    member = pf.client(trainer, language="en")
    template = pf.program(trainer, name="Push Pull Legs")

    programs.assign_program(
        template.id, member_id=member.id, starts_on=gym_today(), actor=trainer.user
    )

    [(to, message)] = smtp.messages
    assert to == [member.email]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Carla Coach gave you a new workout program: Push Pull Legs." in text
    assert "/app/program" in text


def test_a_diet_chart_emails_the_member_and_ends_the_previous_one(db, pf, smtp):
    trainer = pf.trainer(name="Carla Coach")
    member = pf.client(trainer, language="en")
    values = {"name": "Lean", "kcal": "2200", "protein_g": "150", "carbs_g": "220", "fat_g": "70"}
    first = diet.assign_diet_chart(member.id, **values, actor=trainer.user)

    second = diet.assign_diet_chart(member.id, **values, actor=trainer.user)

    db.session.expire_all()
    assert first.ended_at is not None and second.ended_at is None
    assert len(smtp.messages) == 2
    text = smtp.messages[0][1].get_body(preferencelist=("plain",)).get_content()
    assert "Carla Coach wrote you a diet chart: Lean." in text


@pytest.mark.parametrize(
    ("values", "field"),
    [({"kcal": "-1"}, "kcal"), ({"protein_g": "1001"}, "protein_g"), ({"name": ""}, "name")],
)
def test_a_bad_diet_chart_is_a_field_error_and_writes_nothing(db, pf, values, field):
    trainer = pf.trainer()
    member = pf.client(trainer)
    good = {"name": "Lean", "kcal": "2200", "protein_g": "150", "carbs_g": "220", "fat_g": "70"}

    with pytest.raises(ProgramError) as refused:
        diet.assign_diet_chart(member.id, **(good | values), actor=trainer.user)

    assert refused.value.field == field
    assert _count(db, DietChart) == 0


def test_meal_items_read_one_a_line(db, pf):
    trainer = pf.trainer()
    member = pf.client(trainer)
    chart = diet.assign_diet_chart(
        member.id, name="Lean", kcal=2000, protein_g=1, carbs_g=1, fat_g=1, actor=trainer.user
    )

    meal = diet.add_meal(
        chart.id, name="Breakfast", items="Oats: 80 g\n\n- Banana", actor=trainer.user
    )

    assert meal.items == [{"food": "Oats", "quantity": "80 g"}, {"food": "Banana", "quantity": ""}]
    with pytest.raises(ProgramError) as refused:
        diet.add_meal(chart.id, name="Lunch", items="  ", actor=trainer.user)
    assert refused.value.field == "items"


def test_a_trainer_without_a_profile_yet_gets_one_with_their_first_program(db, factories):
    account = factories.trainer()

    program = programs.create_program(name="First", weeks="4", actor=account)

    assert program.trainer.user_id == account.id and program.is_template
