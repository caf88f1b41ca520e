"""The audit log under concurrent writers, on real connections (see tests/races.py):
no audited write waits for another's audit entry, entries from many threads all
verify once sealed, and an edited, a deleted and an inserted entry are each found."""

import threading
import time
import traceback

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import User, UserStatus
from app.accounts.services.accounts import set_account_status
from app.core import audit
from app.core.audit import AuditEntry
from app.core.db import transaction
from app.extensions import db
from tests.factories import Factories

THREADS = 20
PER_THREAD = 5
#: longer than any wait here should take, shorter than lock_timeout (3 s) plus slack
PATIENCE = 10


def _write_entries(race, number: int, start: threading.Barrier, errors: list) -> None:
    try:
        with race.context():
            start.wait(timeout=PATIENCE)
            for step in range(PER_THREAD):
                with transaction():
                    audit.record(
                        "race.entry",
                        None,
                        entity_type="Thing",
                        after={"thread": number, "step": step},
                    )
    except Exception:
        errors.append(traceback.format_exc())


def _keep_sealing(race, writers_done: threading.Event, errors: list) -> None:
    try:
        with race.context():
            while not writers_done.is_set():
                audit.seal()
                time.sleep(0.01)
    except Exception:
        errors.append(traceback.format_exc())


def test_entries_from_twenty_threads_all_verify_and_tampering_is_found(race):
    start = threading.Barrier(THREADS + 1)
    writers_done = threading.Event()
    errors: list[str] = []
    writers = [
        threading.Thread(target=_write_entries, args=(race, n, start, errors))
        for n in range(THREADS)
    ]
    sealer = threading.Thread(target=_keep_sealing, args=(race, writers_done, errors))
    for thread in writers:
        thread.start()
    sealer.start()  # sealing while entries commit, some out of id order
    start.wait(timeout=PATIENCE)
    for thread in writers:
        thread.join(timeout=60)
    writers_done.set()
    sealer.join(timeout=60)
    assert errors == []

    with race.context():
        audit.seal()
        assert audit.problems() == []
        entries = db.session.execute(
            select(AuditEntry.id, AuditEntry.seq).order_by(AuditEntry.seq)
        ).all()
        assert len(entries) == THREADS * PER_THREAD
        assert [seq for _, seq in entries] == list(range(1, THREADS * PER_THREAD + 1))
        after = {
            (row["thread"], row["step"])
            for row in db.session.scalars(select(AuditEntry.after)).all()
        }
        assert len(after) == THREADS * PER_THREAD

        by_seq = {seq: entry_id for entry_id, seq in entries}
        edited, deleted, follower = by_seq[10], by_seq[50], by_seq[51]
        inserted = max(by_seq.values()) + 1000
        table = AuditEntry.__table__
        db.session.execute(
            table.update().where(table.c.id == edited).values(after={"thread": 99, "step": 0})
        )
        db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": deleted})
        db.session.execute(
            text(
                "INSERT INTO audit_entries (id, at, action, entity_type, mac)"
                " SELECT :id, at, 'race.forged', 'Thing', :mac FROM audit_entries WHERE id = :from"
            ),
            {"id": inserted, "mac": "0" * 64, "from": edited},
        )
        db.session.commit()
        assert [problem.id for problem in audit.problems()] == [edited, follower, inserted]


@pytest.mark.parametrize("race", ["postgresql"], indirect=True)
def test_an_uncommitted_audit_entry_holds_up_no_other_audited_write(race):
    """One transaction sits on its new audit entry; another audited write commits
    meanwhile (the old log made it wait on the chain row). The held one commits
    after the other was sealed: it is sealed after it, and the log verifies."""
    holding, release = threading.Event(), threading.Event()
    errors: list[str] = []
    held: dict = {}

    def hold_an_entry():
        try:
            with race.context(), transaction():
                held["id"] = audit.record("thing.slow", None, entity_type="Thing").id
                holding.set()
                release.wait(timeout=PATIENCE)
        except Exception:
            errors.append(traceback.format_exc())

    slow = threading.Thread(target=hold_an_entry)
    slow.start()
    try:
        assert holding.wait(timeout=PATIENCE)
        with race.context():
            with transaction():
                quick_id = audit.record("thing.quick", None, entity_type="Thing").id
            assert audit.seal() == 1  # the one that committed; the held one is not visible
    finally:
        release.set()
        slow.join(timeout=PATIENCE)
    assert errors == []
    assert held["id"] < quick_id  # took its id first, committed last

    with race.context():
        assert audit.seal() == 1
        seqs = dict(db.session.execute(select(AuditEntry.id, AuditEntry.seq)).all())
        assert seqs == {quick_id: 1, held["id"]: 2}
        assert audit.problems() == []


@pytest.mark.parametrize("race", ["postgresql"], indirect=True)
def test_a_sealer_holding_the_chain_head_holds_up_no_audited_write(race):
    """The head row is locked only by sealers: an account change (an audited service)
    goes through while another connection holds it."""
    with race.context():
        factories = Factories(db)
        admin, member = factories.admin(), factories.member()
        admin_id, member_id = admin.id, member.id
        db.session.commit()
    other = None
    done: dict = {}

    def change_account():
        try:
            with race.context():
                actor = db.session.get(User, admin_id)
                set_account_status(member_id, UserStatus.INACTIVE, actor=actor)
                done["ok"] = True
        except Exception:
            done["error"] = traceback.format_exc()

    with race.app.app_context():
        other = db.engine.connect()
        other.begin()
        other.execute(text("SELECT id FROM audit_chain FOR UPDATE"))
        try:
            writer = threading.Thread(target=change_account)
            writer.start()
            writer.join(timeout=PATIENCE)
            assert done == {"ok": True}
        finally:
            other.rollback()
            other.close()

    with race.context():
        count = db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "user.deactivated")
        )
        assert count == 1
        assert audit.problems() == []
