"""Fold members' names, emails and phones into one column the desk searches

Revision ID: 0008_member_search
Revises: 0007_ended_sign_ins
Create Date: 2026-12-07 14:00:00.000000

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_member_search'
down_revision = '0007_ended_sign_ins'
branch_labels = None
depends_on = None


def _fold(text):
    # a frozen copy of app.core.search.fold, as it was when this ran
    decomposed = unicodedata.normalize('NFKD', text or '')
    bare = ''.join(
        char
        for char in decomposed
        if not unicodedata.combining(char) and unicodedata.category(char) not in ('Cc', 'Cf')
    )
    return ' '.join(bare.casefold().split())


def _search_text(name, email, phone):
    return '|'.join((_fold(name), _fold(email), re.sub(r'\D', '', phone or '')))[:500]


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('search_text', sa.String(length=500), server_default='', nullable=False)
        )
    # backfilled in Python: neither database can strip accents the same way
    bind = op.get_bind()
    users = sa.table(
        'users',
        sa.column('id', sa.Integer),
        sa.column('name', sa.String),
        sa.column('email', sa.String),
        sa.column('phone', sa.String),
        sa.column('search_text', sa.String),
    )
    rows = bind.execute(sa.select(users.c.id, users.c.name, users.c.email, users.c.phone)).all()
    for row in rows:
        bind.execute(
            users.update()
            .where(users.c.id == row.id)
            .values(search_text=_search_text(row.name, row.email, row.phone))
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('search_text')
