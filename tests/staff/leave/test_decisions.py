"""Admins approve or reject a request once; the trainer is emailed."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import AuditEntry
from app.core.db import Busy
from app.core.errors import AccessDenied
from app.extensions import db as _db
from app.staff.models import Leave, LeaveKind, LeaveStatus
from app.staff.services.leave import decide_leave
from tests.factories import Factories
from tests.races import RACE_NOW
from tests.staff.leave.conftest import TODAY


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_approving_emails_the_trainer_with_the_comment(gym, db, smtp):
    trainer = gym.trainer(name="Carla Méndez")
    trainer.user.email = "carla@example.com"
    db.session.commit()
    leave = gym.leave(trainer, TODAY + timedelta(days=3))
    assert decide_leave(leave.id, True, "Enjoy", actor=gym.admin()) is True

    leave = db.session.get(Leave, leave.id, populate_existing=True)
    assert leave.status is LeaveStatus.APPROVED
    assert leave.decision_comment == "Enjoy"
    [(to, message)] = smtp.messages
    assert to == ["carla@example.com"]
    assert "decision on your leave request" in message["Subject"]
    text = _text(message)
    day = "Friday, December 4, 2026"
    assert f"Your leave from {day} to {day} is approved." in text
    assert "Enjoy" in text


def test_deciding_twice_changes_nothing_the_second_time(gym, db, smtp):
    leave = gym.leave(gym.trainer())
    admin = gym.admin()
    assert decide_leave(leave.id, False, "Busy week", actor=admin) is True
    assert decide_leave(leave.id, True, "Changed my mind", actor=admin) is False
    assert decide_leave(leave.id, False, "Again", actor=admin) is False

    leave = db.session.get(Leave, leave.id, populate_existing=True)
    assert (leave.status, leave.decision_comment) == (LeaveStatus.REJECTED, "Busy week")
    assert len(smtp.messages) == 1
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("leave.%"))
    ).all()
    assert sorted(actions) == ["leave.rejected", "leave.requested"]


def test_only_admins_decide(gym, db):
    trainer = gym.trainer()
    leave = gym.leave(trainer)
    with pytest.raises(AccessDenied):
        decide_leave(leave.id, True, "", actor=trainer.user)
    assert db.session.get(Leave, leave.id).status is LeaveStatus.PENDING


def test_two_admins_deciding_at_once_make_one_decision(race):
    """Four admins approve and reject at once: one decision, three no-ops."""
    with race.context():
        factories = Factories(_db)
        admin_ids = [factories.admin().id for _ in range(4)]
        trainer = factories.trainer_profile()
        start = RACE_NOW + timedelta(days=3)
        leave = Leave(
            trainer_id=trainer.id,
            kind=LeaveKind.VACATION,
            first_day=start.date(),
            last_day=start.date(),
            starts_at=start,
            ends_at=start + timedelta(days=1),
        )
        _db.session.add(leave)
        _db.session.commit()
        leave_id = leave.id
    barrier, outcomes = threading.Barrier(len(admin_ids)), []

    def attempt(admin_id, approve):
        with race.context():
            admin = _db.session.get(User, admin_id)
            barrier.wait(timeout=5)
            try:
                outcomes.append(decide_leave(leave_id, approve, f"by {admin_id}", actor=admin))
            except Busy:
                outcomes.append("busy")

    threads = [
        threading.Thread(target=attempt, args=(admin_id, i % 2 == 0))
        for i, admin_id in enumerate(admin_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert outcomes.count(True) == 1
    assert len(outcomes) == 4
    with race.context():
        decisions = _db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action.in_(["leave.approved", "leave.rejected"])
            )
        )
        assert decisions == 1
        assert _db.session.get(Leave, leave_id).status is not LeaveStatus.PENDING
