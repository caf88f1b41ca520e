"""Revision 0013 seals the entries written under the old SHA-256 chain with the key,
keeps their old chain (an edit made before the upgrade is still found), and the
downgrade gives every entry the old chain back.

Runs on a SQLite file of its own, and on a scratch PostgreSQL database next to
TEST_DATABASE_URL's when that is set (never on the tests' shared database).
"""

import hashlib
import json
import os
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import make_url, select, text

from app import create_app
from app.core import audit
from app.core.audit import AuditChain, AuditEntry
from app.extensions import db

BEFORE = "0012_theme_colour"
AT = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)


def _scratch_postgresql():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        reason = "no PostgreSQL configured (TEST_DATABASE_URL); the SQLite variant ran"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = make_url(url.replace("postgresql+psycopg://", "postgresql://"))
    name = f"cupo_audit_migration_{uuid.uuid4().hex[:8]}"
    admin_dsn = server.set(database="postgres").render_as_string(hide_password=False)

    def run(sql):
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(sql)

    run(f'CREATE DATABASE "{name}"')
    target = server.set(drivername="postgresql+psycopg", database=name)
    return target.render_as_string(hide_password=False), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def old_app(request, tmp_path):
    """An app whose database stands at the revision before the keyed log."""
    drop = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migration.db'}"
    else:
        url, drop = _scratch_postgresql()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision=BEFORE)
        yield app
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


def _legacy_rows(count: int) -> list[dict]:
    """Entries as the old `record` wrote them: a SHA-256 chain from GENESIS."""
    rows, prev = [], audit.GENESIS
    for number in range(1, count + 1):
        row = {
            "id": number,
            "at": AT + timedelta(minutes=number),
            "actor_id": None,
            "action": f"thing.step_{number}",
            "entity_type": "Thing",
            "entity_id": str(number),
            "before": None,
            "after": {"n": number, "name": "señal"},
            "ip": "203.0.113.9",
            "user_agent": "Desk/1.0",
        }
        content = {**row, "at": row["at"].isoformat()}
        del content["id"]
        payload = json.dumps(content, sort_keys=True, default=str)
        digest = hashlib.sha256(f"{prev}|{payload}".encode()).hexdigest()
        rows.append({**row, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows


def _write_legacy(rows: list[dict]) -> None:
    table = db.Table("audit_entries", db.MetaData(), autoload_with=db.engine)
    with db.engine.begin() as conn:
        conn.execute(table.insert(), rows)
        conn.execute(text("UPDATE audit_chain SET head_hash = :h"), {"h": rows[-1]["hash"]})
        if conn.dialect.name == "postgresql":  # as if the old `record` had taken the ids
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('audit_entries', 'id'),"
                    " (SELECT max(id) FROM audit_entries))"
                )
            )


def _upgrade(app) -> None:
    upgrade(directory=app.extensions["migrate"].directory)
    db.session.remove()


def test_upgrade_seals_old_entries_with_the_key_and_the_chain_goes_on(old_app):
    rows = _legacy_rows(3)
    _write_legacy(rows)
    _upgrade(old_app)

    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.seq, e.hash) for e in entries] == [(n + 1, r["hash"]) for n, r in enumerate(rows)]
    assert audit.problems(seal_first=False) == []
    chain = db.session.get(AuditChain, 1)
    assert (chain.head_seq, chain.head_hash) == (3, entries[-1].link)

    with old_app.test_request_context():
        from app.core.db import transaction

        with transaction():
            new = audit.record("thing.after_upgrade", None, entity_type="Thing")
        new_id = new.id
    assert new_id == 4 and audit.seal() == 1
    assert audit.problems() == []
    newest = db.session.get(AuditEntry, new_id)
    assert (newest.seq, newest.hash, newest.prev_hash) == (4, None, None)

    # a key the upgrade did not use: every entry fails
    old_app.config["AUDIT_KEY"] = "another key"
    assert [p.id for p in audit.problems(seal_first=False)] == [1, 2, 3, 4]


def test_an_edit_made_before_the_upgrade_is_still_found(old_app):
    rows = _legacy_rows(3)
    rows[1]["after"] = {"n": 2, "name": "edited before the upgrade"}  # old chain not rebuilt
    _write_legacy(rows)
    _upgrade(old_app)
    found = audit.problems()
    assert [p.id for p in found] == [2]
    assert "SHA-256" in found[0].reason


def test_downgrade_gives_every_entry_the_old_chain_back(old_app):
    _write_legacy(_legacy_rows(2))
    _upgrade(old_app)
    with old_app.test_request_context():
        from app.core.db import transaction

        with transaction():
            audit.record("thing.after_upgrade", None, entity_type="Thing")
    downgrade(directory=old_app.extensions["migrate"].directory, revision=BEFORE)
    with db.engine.connect() as conn:
        hashes = conn.execute(text("SELECT prev_hash, hash FROM audit_entries ORDER BY id")).all()
        head = conn.execute(text("SELECT head_hash FROM audit_chain")).scalar()
    assert len(hashes) == 3 and hashes[0][0] == audit.GENESIS
    assert all(later[0] == earlier[1] for earlier, later in zip(hashes, hashes[1:], strict=False))
    assert head == hashes[-1][1]
    _upgrade(old_app)  # and up again: sealed afresh, verified clean
    assert audit.problems() == []
