"""The settings row a process keeps on PostgreSQL (see
`app.settings.services._kept_or_read`): reused while the row is unchanged,
never staler than a fresh read, and never attached to a session."""

import pytest
from sqlalchemy import inspect, text

from app.extensions import db
from app.settings.models import DEFAULTS, GymSettings
from app.settings.services import gym_settings


def _saved_settings(**values) -> None:
    db.session.add(GymSettings(id=1, **{**DEFAULTS, **values}))
    db.session.commit()


@pytest.mark.parametrize("race", ["postgresql"], indirect=True)
def test_requests_share_one_copy_until_the_row_changes_even_by_hand(race):
    with race.context():
        _saved_settings(hold_minutes=10)
    with race.context():
        first = gym_settings()
    with race.context():
        second = gym_settings()
    assert second is first and first.hold_minutes == 10

    with race.context():
        db.session.execute(text("UPDATE gym_settings SET hold_minutes = 25 WHERE id = 1"))
        db.session.commit()
    with race.context():
        changed = gym_settings()
    assert changed is not first and changed.hold_minutes == 25
    assert first.hold_minutes == 10  # a copy already handed out is left as it was


@pytest.mark.parametrize("race", ["postgresql"], indirect=True)
def test_the_kept_copy_belongs_to_no_session(race):
    with race.context():
        _saved_settings(gym_name="Cupo Roma")
        kept = gym_settings()
        row = db.session.get(GymSettings, 1)
        assert kept is not row and inspect(kept).transient
        assert kept.gym_name == row.gym_name == "Cupo Roma"


def test_with_no_saved_row_the_defaults_are_read_every_time(db):
    assert gym_settings().hold_minutes == DEFAULTS["hold_minutes"]
