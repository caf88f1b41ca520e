"""The audit log: a keyed MAC per entry in the request, links added by a sealer,
and `verify` finding an edited, deleted, inserted or rebuilt entry by its id."""

import hashlib
import json

import pytest
from sqlalchemy import select, text

from app.accounts.models import UserStatus
from app.accounts.services.accounts import set_account_status
from app.core import audit
from app.core.audit import AuditChain, AuditEntry, chain_link, content_mac
from app.core.db import transaction


def _entries(db):
    return list(
        db.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id).execution_options(populate_existing=True)
        )
    )


def _record(db, actor, actions=("thing.created", "thing.updated", "thing.deleted")):
    for action in actions:
        with transaction():
            audit.record(action, actor, actor=actor, after={"action": action})
    return _entries(db)


def _record_three(db, actor):
    """Three entries, sealed."""
    _record(db, actor)
    audit.seal()
    return _entries(db)


def _ids(found):
    return [problem.id for problem in found]


def _sql(db, statement, **params):
    db.session.execute(text(statement), params)
    db.session.expire_all()


def test_an_entry_gets_its_mac_in_the_request_and_its_link_when_sealed(app, db, factories):
    admin = factories.admin()
    first, second, third = _record(db, admin)
    key = app.config["AUDIT_KEY"]
    for entry in (first, second, third):
        assert entry.mac == content_mac(key, entry.id, entry.content())
        assert entry.seq is None and entry.link is None
        assert entry.hash is None  # the SHA-256 columns are for entries from before 0013
    assert audit.problems(seal_first=False) == []  # unsealed entries are checked too

    assert audit.seal() == 3
    first, second, third = _entries(db)
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.link == chain_link(key, audit.GENESIS, 1, first.mac)
    assert third.link == chain_link(key, second.link, 3, third.mac)
    chain = db.session.get(AuditChain, 1, populate_existing=True)
    assert (chain.head_seq, chain.head_hash) == (3, third.link)
    assert audit.seal() == 0
    assert audit.verify() is None


def test_the_key_is_not_the_secret_key_and_production_requires_its_own(app, monkeypatch):
    from app import create_app

    assert app.config["AUDIT_KEY"] and app.config["AUDIT_KEY"] != app.config["SECRET_KEY"]
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    with pytest.raises(RuntimeError, match="AUDIT_KEY must be set in production"):
        create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        )


def test_production_takes_the_key_from_the_environment(production_app):
    assert production_app().config["AUDIT_KEY"] == "a" * 40


def test_verify_reports_an_edited_entry(db, factories):
    admin = factories.admin()
    _, second, _ = _record_three(db, admin)
    _sql(db, "UPDATE audit_entries SET action = 'thing.hidden' WHERE id = :id", id=second.id)
    found = audit.problems()
    assert _ids(found) == [second.id]
    assert "does not match its MAC" in found[0].reason
    assert audit.verify().id == second.id


def test_verify_reports_an_edited_entry_not_sealed_yet(db, factories):
    admin = factories.admin()
    _, second, _ = _record(db, admin)
    _sql(db, "UPDATE audit_entries SET after = NULL WHERE id = :id", id=second.id)
    assert _ids(audit.problems(seal_first=False)) == [second.id]
    assert _ids(audit.problems()) == [second.id]  # sealing it does not bless it


def test_verify_reports_a_deleted_entry_at_the_one_after_it(db, factories):
    admin = factories.admin()
    _, second, third = _record_three(db, admin)
    _sql(db, "DELETE FROM audit_entries WHERE id = :id", id=second.id)
    found = audit.problems()
    assert _ids(found) == [third.id]
    assert "deleted or inserted" in found[0].reason


def test_verify_reports_removed_newest_entries(db, factories):
    admin = factories.admin()
    *_, third = _record_three(db, admin)
    _sql(db, "DELETE FROM audit_entries WHERE id = :id", id=third.id)
    found = audit.problems()
    assert _ids(found) == [None] and "position 3" in found[0].reason


def test_verify_reports_an_inserted_entry_with_a_made_up_mac(db, factories):
    admin = factories.admin()
    first, *_ = _record_three(db, admin)
    forged = 10_000
    _sql(
        db,
        "INSERT INTO audit_entries (id, at, action, entity_type, mac)"
        " VALUES (:id, :at, 'user.deleted', 'User', :mac)",
        id=forged,
        at=first.at,
        mac="f" * 64,
    )
    assert _ids(audit.problems(seal_first=False)) == [forged]
    assert _ids(audit.problems()) == [forged]  # sealed in, still found


def test_verify_reports_an_entry_slipped_into_the_sealed_chain(db, factories):
    """Positions shifted to make room: the links after it no longer follow."""
    admin = factories.admin()
    first, second, third = _record_three(db, admin)
    _sql(db, "UPDATE audit_entries SET seq = seq + 1 WHERE id = :id", id=third.id)
    _sql(db, "UPDATE audit_entries SET seq = seq + 1 WHERE id = :id", id=second.id)
    _sql(
        db,
        "INSERT INTO audit_entries (id, at, action, entity_type, mac, seq, link)"
        " VALUES (:id, :at, 'user.deleted', 'User', :mac, 2, :link)",
        id=10_000,
        at=first.at,
        mac=second.mac,
        link=second.link,
    )
    assert set(_ids(audit.problems())) >= {10_000, second.id}


def test_verify_reports_a_copy_of_a_genuine_entry_under_another_id(db, factories):
    """The MAC covers the id: replaying an entry's content and MAC does not verify."""
    admin = factories.admin()
    first, *_ = _record_three(db, admin)
    _sql(
        db,
        "INSERT INTO audit_entries (id, at, actor_id, action, entity_type, entity_id,"
        " after, mac) SELECT 10000, at, actor_id, action, entity_type, entity_id, after, mac"
        " FROM audit_entries WHERE id = :id",
        id=first.id,
    )
    assert _ids(audit.problems()) == [10_000]


def _rebuild(db, mac_of, link_of):
    """What a database writer would do after an edit: recompute every MAC and link."""
    link = audit.GENESIS
    for entry in _entries(db):
        mac = mac_of(entry)
        link = link_of(link, entry.seq, mac)
        _sql(
            db,
            "UPDATE audit_entries SET mac = :mac, link = :link WHERE id = :id",
            mac=mac,
            link=link,
            id=entry.id,
        )
    _sql(db, "UPDATE audit_chain SET head_hash = :link", link=link)


def test_verify_reports_a_chain_rebuilt_with_plain_sha256(db, factories):
    admin = factories.admin()
    first, second, third = _record_three(db, admin)
    _sql(db, "UPDATE audit_entries SET action = 'thing.hidden' WHERE id = :id", id=second.id)

    def sha(entry):
        payload = json.dumps(entry.content(), sort_keys=True, default=str)
        return hashlib.sha256(f"{entry.id}|{payload}".encode()).hexdigest()

    _rebuild(
        db, sha, lambda prev, seq, mac: hashlib.sha256(f"{prev}|{seq}|{mac}".encode()).hexdigest()
    )
    found = audit.problems()
    assert _ids(found) == [first.id, second.id, third.id]
    assert audit.verify().id == first.id


def test_verify_reports_a_chain_rebuilt_with_another_key(db, factories):
    admin = factories.admin()
    first, second, third = _record_three(db, admin)
    _sql(db, "UPDATE audit_entries SET after = NULL WHERE id = :id", id=second.id)
    guess = "test-secret-key"  # the SECRET_KEY itself is not the audit key
    _rebuild(
        db,
        lambda entry: content_mac(guess, entry.id, entry.content()),
        lambda prev, seq, mac: chain_link(guess, prev, seq, mac),
    )
    assert _ids(audit.problems()) == [first.id, second.id, third.id]


def test_an_entry_committed_after_a_higher_id_was_sealed_is_sealed_after_it(app, db, factories):
    """Ids come from a sequence before commit; positions are given at seal time, so a
    transaction that commits late neither raises a false alarm nor is left out."""
    admin = factories.admin()
    _record_three(db, admin)
    with transaction():
        late = audit.record("thing.late", admin, actor=admin)
    late_id, content = late.id, late.content()
    _sql(db, "UPDATE audit_entries SET id = 0 WHERE id = :id", id=late_id)  # as if taken first
    _sql(
        db,
        "UPDATE audit_entries SET mac = :mac WHERE id = 0",
        mac=content_mac(app.config["AUDIT_KEY"], 0, content),
    )
    assert audit.seal() == 1
    entries = _entries(db)
    assert (entries[0].id, entries[0].seq) == (0, 4)
    assert audit.problems() == []


def test_seal_does_not_extend_a_chain_whose_head_was_edited(db, factories):
    admin = factories.admin()
    _record_three(db, admin)
    _sql(db, "UPDATE audit_chain SET head_seq = 2")
    _record(db, admin, ["thing.after"])
    assert audit.seal() == 0
    found = audit.problems()
    assert _ids(found) == [None] and "the head says position 2" in found[0].reason


def test_a_head_from_the_log_catches_newest_entries_cut_with_the_head(db, factories):
    """Deleting the newest entries and moving the head back leaves a chain that holds
    together; a head written to the application log by an earlier seal does not."""
    admin = factories.admin()
    _, second, third = _record_three(db, admin)
    head, second_link = (3, third.link), second.link
    assert audit.problems(head=head) == []
    _sql(db, "DELETE FROM audit_entries WHERE id = :id", id=third.id)
    _sql(db, "UPDATE audit_chain SET head_seq = 2, head_hash = :link", link=second_link)
    assert audit.problems() == []
    found = audit.problems(head=head)
    assert _ids(found) == [None] and "position 3" in found[0].reason


def test_seal_writes_the_head_to_the_log(db, factories, caplog, monkeypatch):
    # the migrations' logging.config.fileConfig (alembic.ini) disabled loggers made before it
    monkeypatch.setattr(audit.log, "disabled", False)
    admin = factories.admin()
    _record(db, admin)
    with caplog.at_level("INFO", logger="app.core.audit"):
        audit.seal()
    third = _entries(db)[-1]
    assert f"sealed through 3:{third.link}" in caplog.text


def test_audit_entry_records_actor_request_origin_and_changes(client, db, factories, login):
    admin = factories.admin()
    member = factories.member()
    login(admin)
    with client.application.test_request_context(
        environ_base={"REMOTE_ADDR": "203.0.113.9"}, headers={"User-Agent": "Desk/1.0"}
    ):
        set_account_status(member.id, UserStatus.INACTIVE, actor=admin)
    entry = _entries(db)[-1]
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "user.deactivated",
        "User",
        str(member.id),
    )
    assert (entry.actor_id, entry.ip, entry.user_agent) == (admin.id, "203.0.113.9", "Desk/1.0")
    assert entry.after == {"status": "inactive"}
    assert audit.verify() is None


def test_two_entries_in_one_transaction_get_their_own_ids(db, factories):
    admin = factories.admin()
    with transaction():
        one = audit.record("thing.one", admin, actor=admin)
        two = audit.record("thing.two", admin, actor=admin)
    assert one.id != two.id
    assert audit.seal() == 2 and audit.verify() is None


def test_cli_verify_seals_and_exits_non_zero_naming_every_broken_entry(app, db, factories):
    admin = factories.admin()
    first, second, third = _record(db, admin)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    assert all(entry.seq for entry in _entries(db))
    _sql(db, "DELETE FROM audit_entries WHERE id = :id", id=first.id)
    _sql(db, "UPDATE audit_entries SET after = NULL WHERE id = :id", id=third.id)
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"broken at entry {second.id} (thing.updated): its link" in broken.output
    assert f"broken at entry {third.id} (thing.deleted): its content" in broken.output
    assert "2 broken place(s)." in broken.output


def test_cli_verify_checks_a_head_from_the_log(app, db, factories):
    admin = factories.admin()
    *_, third = _record_three(db, admin)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify", "--head", f"3:{third.link}"])
    assert ok.exit_code == 0 and "intact" in ok.output
    wrong = runner.invoke(args=["audit", "verify", "--head", f"3:{'0' * 64}"])
    assert wrong.exit_code == 1 and "the end of the log" in wrong.output
    bad = runner.invoke(args=["audit", "verify", "--head", "three"])
    assert bad.exit_code == 2 and "expected SEQ:LINK" in bad.output


def test_cli_seal_links_what_committed(app, db, factories):
    admin = factories.admin()
    _record(db, admin)
    result = app.test_cli_runner().invoke(args=["audit", "seal"])
    assert result.exit_code == 0 and "Sealed 3 audit entries." in result.output


def test_the_scheduler_seals_every_minute_and_the_job_seals(db, factories):
    from pathlib import Path

    import fakeredis
    from rq.cron import CronScheduler

    from jobs import runner

    scheduler = CronScheduler(connection=fakeredis.FakeRedis())
    scheduler.load_config_from_file(str(Path(runner.__file__).with_name("schedule.py")))
    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    assert jobs["jobs.runner.seal_audit_log"].interval == 60

    admin = factories.admin()
    _record(db, admin)
    runner.seal_audit_log()
    assert [entry.seq for entry in _entries(db)] == [1, 2, 3]


def test_audit_page_filters_by_action(client, db, factories, login):
    admin = factories.admin()
    _record_three(db, admin)
    login(admin)
    html = client.get("/admin/audit?action=thing.upd").get_data(as_text=True)
    assert "thing.updated" in html and "thing.created" not in html


def test_audit_page_rejects_bad_dates_without_error(client, db, factories, login):
    login(factories.admin())
    assert client.get("/admin/audit?since=yesterday&until=2026-13-45&page=-3").status_code == 200
