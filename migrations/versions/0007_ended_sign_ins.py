"""Remember the sign-ins members ended, so their cookies stop working

Revision ID: 0007_ended_sign_ins
Revises: 0006_gym_logo
Create Date: 2026-12-07 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_ended_sign_ins'
down_revision = '0006_gym_logo'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ended_sign_ins',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ended_sign_ins')),
    )
    with op.batch_alter_table('ended_sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ended_sign_ins_ended_at'), ['ended_at'], unique=False)


def downgrade():
    with op.batch_alter_table('ended_sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ended_sign_ins_ended_at'))
    op.drop_table('ended_sign_ins')
