"""Assigning programs to one member at once leaves exactly one active, and
sets logged at once for one line get numbers 1..n, on PostgreSQL (row locks)
and SQLite (BEGIN IMMEDIATE), as in tests/booking/test_races.py."""

import threading
import traceback

from sqlalchemy import select

from app.accounts.models import User
from app.core.i18n import gym_today
from app.extensions import db
from app.programs.models import Program, SetLog
from app.programs.services import logs, programs
from tests.factories import Factories
from tests.programs.conftest import Programs
from tests.races import Race


def _together(race: Race, actions: list) -> list:
    """Run each action in a thread of its own, released by one barrier:
    ("ok", value) or ("error", traceback) each."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, act):
        with race.context():
            try:
                barrier.wait(timeout=60)
                outcomes[index] = ("ok", act())
            except Exception:
                outcomes[index] = ("error", traceback.format_exc())

    threads = [
        threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return outcomes


def _setting(race: Race, *, assigned: bool):
    with race.context():
        pf = Programs(db, Factories(db))
        trainer = pf.trainer()
        member = pf.client(trainer)
        starts = gym_today() if assigned else None
        program = pf.program(trainer, member=member if assigned else None, starts_on=starts)
        ids = (trainer.user_id, member.id, program.id, program.days[0].lines[0].id)
        db.session.commit()
    return ids


def test_programs_assigned_at_once_leave_one_active(race):
    trainer_user_id, member_id, template_id, _line = _setting(race, assigned=False)

    def assign():
        actor = db.session.get(User, trainer_user_id)
        return programs.assign_program(
            template_id, member_id=member_id, starts_on=gym_today(), actor=actor
        ).id

    outcomes = _together(race, [assign] * 6)

    assert [kind for kind, _ in outcomes] == ["ok"] * 6, outcomes
    with race.context():
        statuses = db.session.scalars(
            select(Program.status).where(Program.member_id == member_id)
        ).all()
    assert sorted(s.value for s in statuses) == ["active"] + ["ended"] * 5


def test_sets_logged_at_once_are_numbered_one_to_n(race):
    _trainer, member_id, _program, line_id = _setting(race, assigned=True)

    def log():
        return logs.log_set(line_id, reps=8, weight="50", actor=db.session.get(User, member_id)).id

    outcomes = _together(race, [log] * 5)

    assert [kind for kind, _ in outcomes] == ["ok"] * 5, outcomes
    with race.context():
        numbers = db.session.scalars(
            select(SetLog.set_number).where(SetLog.line_id == line_id)
        ).all()
    assert sorted(numbers) == [1, 2, 3, 4, 5]
