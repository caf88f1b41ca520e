"""Trainers' leave requests and the admins' decisions

Revision ID: 0018_trainer_leave
Revises: 0017_reminders
Create Date: 2026-12-08 01:17:28.801799

`trainer_leave` keeps each request: gym-local days and optional times as the
trainer gave them, the same span in UTC for overlap queries, and the
decision. A new table only: nothing to carry over.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_trainer_leave'
down_revision = '0017_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trainer_leave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('vacation', 'sick', 'personal', 'training', 'other', name='leave_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'withdrawn', name='leave_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_comment', sa.String(length=500), nullable=False),
    sa.CheckConstraint('(start_time IS NULL) = (end_time IS NULL)', name=op.f('ck_trainer_leave_times_together')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_trainer_leave_span_in_order')),
    sa.CheckConstraint('last_day >= first_day', name=op.f('ck_trainer_leave_days_in_order')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_trainer_leave_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_trainer_leave_requested_by_id_users')),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_trainer_leave_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_leave'))
    )
    with op.batch_alter_table('trainer_leave', schema=None) as batch_op:
        batch_op.create_index('ix_trainer_leave_trainer_span', ['trainer_id', 'starts_at', 'ends_at'], unique=False)



def downgrade():
    with op.batch_alter_table('trainer_leave', schema=None) as batch_op:
        batch_op.drop_index('ix_trainer_leave_trainer_span')

    op.drop_table('trainer_leave')
