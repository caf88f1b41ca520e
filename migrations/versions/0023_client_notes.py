"""Trainers' private notes about their clients

Revision ID: 0023_client_notes
Revises: 0022_pay
Create Date: 2026-12-08 01:19:48.374915

`trainer_client_notes`: a note one trainer keeps about one member, seen by
that trainer only. A new table only: nothing to carry over.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_client_notes'
down_revision = '0022_pay'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trainer_client_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_trainer_client_notes_body_not_empty')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_trainer_client_notes_member_id_users')),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_trainer_client_notes_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_client_notes'))
    )
    with op.batch_alter_table('trainer_client_notes', schema=None) as batch_op:
        batch_op.create_index('ix_trainer_client_notes_trainer_member', ['trainer_id', 'member_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('trainer_client_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_trainer_client_notes_trainer_member')

    op.drop_table('trainer_client_notes')
