"""Add the gym's logo to the settings

Revision ID: 0006_gym_logo
Revises: 0005_billing
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_gym_logo'
down_revision = '0005_billing'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_path', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.drop_column('logo_path')
