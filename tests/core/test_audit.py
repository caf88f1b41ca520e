"""The audit log is hash-chained; verify finds the first broken link."""

from sqlalchemy import select, text

from app.accounts.models import UserStatus
from app.accounts.services.accounts import set_account_status
from app.core import audit
from app.core.audit import AuditEntry
from app.core.db import transaction


def _entries(db):
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _record_three(db, actor):
    for action in ("thing.created", "thing.updated", "thing.deleted"):
        with transaction():
            audit.record(action, actor, actor=actor, after={"action": action})
    return _entries(db)


def test_entries_link_to_the_previous_hash(db, factories):
    admin = factories.admin()
    first, second, third = _record_three(db, admin)
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert audit.verify() is None


def test_verify_reports_an_edited_entry(db, factories):
    admin = factories.admin()
    _, second, _ = _record_three(db, admin)
    db.session.execute(
        text("UPDATE audit_entries SET action = 'thing.hidden' WHERE id = :id"), {"id": second.id}
    )
    db.session.expire_all()
    assert audit.verify().id == second.id


def test_verify_reports_a_deleted_entry(db, factories):
    admin = factories.admin()
    _, second, third = _record_three(db, admin)
    db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": second.id})
    db.session.expire_all()
    assert audit.verify().id == third.id


def test_verify_reports_a_removed_newest_entry(db, factories):
    admin = factories.admin()
    *_, third = _record_three(db, admin)
    db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": third.id})
    db.session.expire_all()
    assert audit.verify() is not None


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


def test_cli_verify_exits_non_zero_on_a_broken_chain(app, db, factories):
    admin = factories.admin()
    _, second, _ = _record_three(db, admin)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    db.session.execute(
        text("UPDATE audit_entries SET after = NULL WHERE id = :id"), {"id": second.id}
    )
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"broken at entry {second.id}" in broken.output


def test_audit_page_filters_by_action(client, db, factories, login):
    admin = factories.admin()
    _record_three(db, admin)
    login(admin)
    html = client.get("/admin/audit?action=thing.upd").get_data(as_text=True)
    assert "thing.updated" in html and "thing.created" not in html


def test_audit_page_rejects_bad_dates_without_error(client, db, factories, login):
    login(factories.admin())
    assert client.get("/admin/audit?since=yesterday&until=2026-13-45&page=-3").status_code == 200
