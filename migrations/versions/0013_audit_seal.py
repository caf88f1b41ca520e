"""Key the audit log and seal it afterwards instead of locking one row per write

Each entry gets a content MAC (HMAC-SHA256 with AUDIT_KEY, kept outside the
database) in the request, and a chain position and link when a sealer links
it later (see app/core/audit.py). The old SHA-256 columns stay for the
entries written before this revision, so an edit made before it is still
found; new entries leave them empty. Existing entries are given their MACs,
positions and links here, in id order, with the key the app is configured
with (run `flask db upgrade` with production's AUDIT_KEY).

The two HMAC formulas are written out here, as they were at this revision;
app/core/audit.py's `content_mac` and `chain_link` must keep producing the
same values (tests/core/test_audit_migration.py checks it).

Revision ID: 0013_audit_seal
Revises: 0012_theme_colour
Create Date: 2026-12-07 18:00:00.000000

"""
import hashlib
import hmac
import json

from alembic import op
import sqlalchemy as sa
from flask import current_app

from app.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0013_audit_seal'
down_revision = '0012_theme_colour'
branch_labels = None
depends_on = None

GENESIS = '0' * 64
BATCH = 1000

entries = sa.table(
    'audit_entries',
    sa.column('id', sa.Integer),
    sa.column('at', UTCDateTime),
    sa.column('actor_id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('entity_type', sa.String),
    sa.column('entity_id', sa.String),
    sa.column('before', sa.JSON),
    sa.column('after', sa.JSON),
    sa.column('ip', sa.String),
    sa.column('user_agent', sa.String),
    sa.column('prev_hash', sa.String),
    sa.column('hash', sa.String),
    sa.column('mac', sa.String),
    sa.column('seq', sa.Integer),
    sa.column('link', sa.String),
)
chain = sa.table(
    'audit_chain',
    sa.column('id', sa.Integer),
    sa.column('head_hash', sa.String),
    sa.column('head_seq', sa.Integer),
)


def _content(row) -> dict:
    return {
        'at': row.at.isoformat(),
        'actor_id': row.actor_id,
        'action': row.action,
        'entity_type': row.entity_type,
        'entity_id': row.entity_id,
        'before': row.before,
        'after': row.after,
        'ip': row.ip,
        'user_agent': row.user_agent,
    }


def _mac(key: bytes, row) -> str:
    payload = json.dumps(_content(row), sort_keys=True, default=str, separators=(',', ':'))
    return hmac.new(key, f'cupo-audit/1|entry|{row.id}|{payload}'.encode(), hashlib.sha256).hexdigest()


def _link(key: bytes, prev_link: str, seq: int, mac: str) -> str:
    message = f'cupo-audit/1|link|{prev_link}|{seq}|{mac}'.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _legacy_hash(prev_hash: str, row) -> str:
    payload = json.dumps(_content(row), sort_keys=True, default=str)
    return hashlib.sha256(f'{prev_hash}|{payload}'.encode()).hexdigest()


def _rows_in_order(conn):
    """Every entry in id order, a batch at a time (a big log fits in no list)."""
    last = 0
    while True:
        rows = conn.execute(
            sa.select(entries).where(entries.c.id > last).order_by(entries.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _set_head(conn, seq: int, link: str) -> None:
    if conn.execute(sa.select(chain.c.id).where(chain.c.id == 1)).first() is None:
        conn.execute(chain.insert().values(id=1, head_hash=link, head_seq=seq))
    else:
        conn.execute(chain.update().where(chain.c.id == 1).values(head_hash=link, head_seq=seq))


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('link', sa.String(length=64), nullable=True))
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entries_seq'), ['seq'])
    with op.batch_alter_table('audit_chain', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('head_seq', sa.Integer(), nullable=False, server_default='0')
        )

    # seal what is there: MAC, position and link for every entry, in id order
    conn = op.get_bind()
    key = current_app.config['AUDIT_KEY'].encode()
    seq, link = 0, GENESIS
    for rows in _rows_in_order(conn):
        links = []
        for row in rows:
            mac = _mac(key, row)
            seq += 1
            link = _link(key, link, seq, mac)
            links.append({'b_id': row.id, 'b_mac': mac, 'b_seq': seq, 'b_link': link})
        conn.execute(
            entries.update()
            .where(entries.c.id == sa.bindparam('b_id'))
            .values(mac=sa.bindparam('b_mac'), seq=sa.bindparam('b_seq'), link=sa.bindparam('b_link')),
            links,
        )
    _set_head(conn, seq, link)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('mac', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    # the old scheme: a SHA-256 chain over every entry in id order, no key
    conn = op.get_bind()
    prev_hash = GENESIS
    for rows in _rows_in_order(conn):
        hashes = []
        for row in rows:
            digest = _legacy_hash(prev_hash, row)
            hashes.append({'b_id': row.id, 'b_prev': prev_hash, 'b_hash': digest})
            prev_hash = digest
        conn.execute(
            entries.update()
            .where(entries.c.id == sa.bindparam('b_id'))
            .values(prev_hash=sa.bindparam('b_prev'), hash=sa.bindparam('b_hash')),
            hashes,
        )
    _set_head(conn, 0, prev_hash)

    with op.batch_alter_table('audit_chain', schema=None) as batch_op:
        batch_op.drop_column('head_seq')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_entries_seq'), type_='unique')
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('link')
        batch_op.drop_column('seq')
        batch_op.drop_column('mac')
