"""Let the gym refuse bookings that overlap a member's other classes

Revision ID: 0010_overlap_setting
Revises: 0009_complimentary_grants
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_overlap_setting'
down_revision = '0009_complimentary_grants'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'allow_overlapping_bookings', sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade():
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.drop_column('allow_overlapping_bookings')
