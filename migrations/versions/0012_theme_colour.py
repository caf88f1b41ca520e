"""Let the gym choose the member app's theme colour

Revision ID: 0012_theme_colour
Revises: 0011_self_checkin
Create Date: 2026-12-07 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_theme_colour'
down_revision = '0011_self_checkin'
branch_labels = None
depends_on = None


def upgrade():
    # the blue the app used before the gym could choose (the default icon's)
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('theme_colour', sa.String(length=7), nullable=False, server_default='#206bc4')
        )


def downgrade():
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.drop_column('theme_colour')
