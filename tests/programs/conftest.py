"""Builders for the programs tests: exercises, trainers with clients,
templates with days and lines, assigned programs."""

from datetime import date

import pytest

from app.programs.models import (
    Equipment,
    Exercise,
    MuscleGroup,
    Program,
    ProgramDay,
    ProgramLine,
    ProgramStatus,
)
from app.trainers.models import ClientAssignment


class Programs:
    def __init__(self, db, factories):
        self.db, self.factories, self.count = db, factories, 0

    def exercise(self, name=None, **fields) -> Exercise:
        self.count += 1
        name = name or f"Exercise {self.count}"
        exercise = Exercise(
            name_en=name,
            name_es=fields.pop("name_es", f"Ejercicio {self.count}"),
            muscle_group=fields.pop("muscle_group", MuscleGroup.CHEST),
            equipment=fields.pop("equipment", Equipment.BARBELL),
            **fields,
        )
        self.db.session.add(exercise)
        self.db.session.commit()
        return exercise

    def trainer(self, **fields):
        return self.factories.trainer_profile(**fields)

    def client(self, trainer, **fields):
        member = self.factories.member(**fields)
        self.db.session.add(ClientAssignment(member_id=member.id, trainer_id=trainer.id))
        self.db.session.commit()
        return member

    def program(self, trainer, *, days=1, lines=2, member=None, starts_on=None, **fields):
        """A template (or, with `member`, an active program) of `days` days
        with `lines` lines each: 3 × 8–12 at 50 kg."""
        program = Program(
            trainer_id=trainer.id,
            member_id=member.id if member else None,
            status=fields.pop("status", ProgramStatus.ACTIVE if member else ProgramStatus.TEMPLATE),
            name=fields.pop("name", "Strength"),
            weeks=fields.pop("weeks", 4),
            starts_on=(starts_on or date(2026, 1, 5)) if member else None,
            **fields,
        )
        for d in range(1, days + 1):
            day = ProgramDay(position=d, name=f"Day {d}")
            for n in range(1, lines + 1):
                day.lines.append(
                    ProgramLine(
                        position=n,
                        exercise=self.exercise(),
                        sets=3,
                        reps_min=8,
                        reps_max=12,
                        weight_g=50_000,
                        rest_seconds=90,
                    )
                )
            program.days.append(day)
        self.db.session.add(program)
        self.db.session.commit()
        return program


@pytest.fixture
def pf(db, factories):
    return Programs(db, factories)
