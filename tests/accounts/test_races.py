"""Two admins acting at once must not leave the gym without an admin."""

import contextlib
import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User, UserStatus
from app.accounts.services import accounts
from app.extensions import db


def _run_together(app, monkeypatch, operations):
    """Run `operations` in threads that all pass the last-admin check before any
    of them may write: without a lock around that check, each sees the others
    still there."""
    barrier = threading.Barrier(len(operations))
    check = accounts._last_admin

    def check_then_wait(user):
        answer = check(user)
        # a thread held by a lock never arrives: that is the point
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1.5)
        return answer

    monkeypatch.setattr(accounts, "_last_admin", check_then_wait)
    outcomes = [None] * len(operations)

    def run(index, operation):
        with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
            try:
                operation()
                outcomes[index] = "done"
            except accounts.AccountError as exc:
                outcomes[index] = str(exc)
            except Exception as exc:
                outcomes[index] = repr(exc)

    threads = [
        threading.Thread(target=run, args=(index, operation))
        for index, operation in enumerate(operations)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _active_admins() -> int:
    db.session.remove()
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.status == UserStatus.ACTIVE, User.deleted_at.is_(None)
        )
    )


def _two_admins(committed):
    """Two admins as plain values: rows loaded here must not be touched by the threads."""
    return [
        {"id": admin.id, "email": admin.email, "name": admin.name}
        for admin in (committed.admin(), committed.admin())
    ]


def _actor(admin: dict) -> User:
    return db.session.get(User, admin["id"])


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, committed, monkeypatch):
    ana, ben = _two_admins(committed)

    def demote(user, actor):
        return lambda: accounts.update_account(
            user["id"],
            email=user["email"],
            name=user["name"],
            role=Role.MEMBER,
            actor=_actor(actor),
        )

    outcomes = _run_together(app, monkeypatch, [demote(ben, ana), demote(ana, ben)])

    assert sorted(outcomes) == ["The gym needs at least one active admin.", "done"]
    assert _active_admins() == 1


@pytest.mark.parametrize("operation", ["deactivate", "delete"])
def test_two_admins_removing_each_other_at_once_leave_one_admin(
    app, committed, monkeypatch, operation
):
    ana, ben = _two_admins(committed)

    def remove(user, actor):
        if operation == "delete":
            return lambda: accounts.delete_account(user["id"], actor=_actor(actor))
        return lambda: accounts.set_account_status(
            user["id"], UserStatus.INACTIVE, actor=_actor(actor)
        )

    outcomes = _run_together(app, monkeypatch, [remove(ben, ana), remove(ana, ben)])

    assert sorted(outcomes) == ["The gym needs at least one active admin.", "done"]
    assert _active_admins() == 1
