"""Programs pages run the same number of statements whatever the data size."""

from datetime import timedelta

from app.core.i18n import gym_today
from app.programs.models import Program, ProgramStatus, SetLog
from app.programs.queries import active_program_names
from app.programs.services import programs
from tests.queries import counting_statements


def _assign_many(db, pf, trainer, count):
    template = pf.program(trainer, days=2, lines=2)
    for _ in range(count):
        member = pf.client(trainer)
        programs.assign_program(
            template.id, member_id=member.id, starts_on=gym_today(), actor=trainer.user
        )


def _log_weeks(db, program, member, weeks):
    for week in range(weeks):
        for day in program.days:
            for line in day.lines:
                for set_number in (1, 2, 3):
                    db.session.add(
                        SetLog(
                            member_id=member.id,
                            program_id=program.id,
                            line_id=line.id,
                            exercise_id=line.exercise_id,
                            performed_on=program.starts_on
                            + timedelta(days=7 * week + day.position),
                            set_number=set_number,
                            reps=8,
                            weight_g=50_000 + 2500 * week,
                            day_name=day.name,
                            prescribed_sets=3,
                            prescribed_reps_min=8,
                            prescribed_reps_max=12,
                            prescribed_seconds=None,
                            prescribed_weight_g=50_000,
                        )
                    )
    db.session.commit()


def test_the_program_list_runs_the_same_queries_for_few_and_many(db, client, login, pf, app_ctx):
    trainer = pf.trainer()
    _assign_many(db, pf, trainer, 2)
    login(trainer.user)
    client.get("/trainer/programs/?show=assigned")

    with counting_statements(db.engine) as few:
        assert client.get("/trainer/programs/?show=assigned").status_code == 200
    _assign_many(db, pf, trainer, 30)
    with counting_statements(db.engine) as many:
        assert client.get("/trainer/programs/?show=assigned").status_code == 200

    assert len(few) == len(many), (few, many)


def test_the_client_overview_runs_the_same_queries_for_few_and_many(db, client, login, pf, app_ctx):
    trainer = pf.trainer()
    member = pf.client(trainer)
    start = gym_today() - timedelta(weeks=10)
    old = pf.program(trainer, member=member, starts_on=start, days=1, lines=1)
    login(trainer.user)
    client.get(f"/trainer/programs/clients/{member.id}")
    _log_weeks(db, old, member, 1)

    with counting_statements(db.engine) as few:
        assert client.get(f"/trainer/programs/clients/{member.id}").status_code == 200
    db.session.get(Program, old.id).status = ProgramStatus.ENDED
    db.session.commit()
    for _ in range(3):
        ended = pf.program(
            trainer, member=member, starts_on=start, days=1, lines=1, status=ProgramStatus.ENDED
        )
        _log_weeks(db, ended, member, 3)
    active = pf.program(trainer, member=member, starts_on=start, days=3, lines=4, weeks=12)
    _log_weeks(db, active, member, 10)
    with counting_statements(db.engine) as many:
        page = client.get(f"/trainer/programs/clients/{member.id}")
        assert page.status_code == 200 and "Week 10" in page.get_data(as_text=True)

    assert len(few) == len(many), (few, many)


def test_the_member_workout_runs_the_same_queries_for_few_and_many(db, client, login, pf, app_ctx):
    trainer = pf.trainer()
    member = pf.client(trainer)
    program = pf.program(trainer, member=member, starts_on=gym_today(), days=1, lines=1)
    login(member)
    client.get("/app/program/")

    with counting_statements(db.engine) as few:
        assert client.get("/app/program/").status_code == 200
    db.session.get(Program, program.id).status = ProgramStatus.ENDED
    db.session.commit()
    program = pf.program(trainer, member=member, starts_on=gym_today(), days=5, lines=8)
    _log_weeks(db, program, member, 1)
    with counting_statements(db.engine) as many:
        assert client.get("/app/program/").status_code == 200

    assert len(few) == len(many), (few, many)


def test_active_program_names_is_one_query(db, pf, app_ctx):
    trainer = pf.trainer()
    members = [pf.client(trainer) for _ in range(3)]
    template = pf.program(trainer, name="Push")
    for member in members[:2]:
        programs.assign_program(
            template.id, member_id=member.id, starts_on=gym_today(), actor=trainer.user
        )

    with counting_statements(db.engine) as statements:
        names = active_program_names([m.id for m in members])

    assert names == {members[0].id: "Push", members[1].id: "Push"}
    assert len([s for s in statements if s.startswith("SELECT")]) == 1
