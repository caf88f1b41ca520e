"""Complimentary grants: the reason an admin gave a plan or pack free

Revision ID: 0009_complimentary_grants
Revises: 0008_member_search
Create Date: 2026-12-07 14:00:00.000000

A membership or credit lot with a reason was given free by an admin (no
payment, no invoice); one without was paid for.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_complimentary_grants"
down_revision = "0008_member_search"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complimentary_reason", sa.String(length=300), nullable=True))
    with op.batch_alter_table("credit_lots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complimentary_reason", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("credit_lots", schema=None) as batch_op:
        batch_op.drop_column("complimentary_reason")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("complimentary_reason")
