"""Cover for trainers on leave, and the trainers' own class controls

Revision ID: 0021_cover
Revises: 0020_one_to_one
Create Date: 2026-12-08 01:30:00

`session_covers` records each substitution (the class, the absent trainer,
the substitute, the leave it covers); the class session's own trainer is
the substitute from then on. `cover_offers` holds classes offered to the
trainers free then, until one takes it. `gym_settings.trainer_class_controls` lets
trainers reschedule and cancel their own classes (on by default). New rows
only: nothing to carry over.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_cover'
down_revision = '0020_one_to_one'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_covers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('leave_id', sa.Integer(), nullable=True),
    sa.Column('absent_trainer_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('substitute_id <> absent_trainer_id', name=op.f('ck_session_covers_someone_else')),
    sa.ForeignKeyConstraint(['absent_trainer_id'], ['trainers.id'], name=op.f('fk_session_covers_absent_trainer_id_trainers')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_session_covers_created_by_id_users')),
    sa.ForeignKeyConstraint(['leave_id'], ['trainer_leave.id'], name=op.f('fk_session_covers_leave_id_trainer_leave')),
    sa.ForeignKeyConstraint(['session_id'], ['class_sessions.id'], name=op.f('fk_session_covers_session_id_class_sessions')),
    sa.ForeignKeyConstraint(['substitute_id'], ['trainers.id'], name=op.f('fk_session_covers_substitute_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_covers'))
    )
    with op.batch_alter_table('session_covers', schema=None) as batch_op:
        batch_op.create_index('ix_session_covers_leave', ['leave_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_covers_session_id'), ['session_id'], unique=False)

    op.create_table('cover_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('leave_id', sa.Integer(), nullable=True),
    sa.Column('absent_trainer_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('open', 'taken', name='offer_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'taken') = (taken_by_id IS NOT NULL)", name=op.f('ck_cover_offers_taken_by_set')),
    sa.ForeignKeyConstraint(['absent_trainer_id'], ['trainers.id'], name=op.f('fk_cover_offers_absent_trainer_id_trainers')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cover_offers_created_by_id_users')),
    sa.ForeignKeyConstraint(['leave_id'], ['trainer_leave.id'], name=op.f('fk_cover_offers_leave_id_trainer_leave')),
    sa.ForeignKeyConstraint(['session_id'], ['class_sessions.id'], name=op.f('fk_cover_offers_session_id_class_sessions')),
    sa.ForeignKeyConstraint(['taken_by_id'], ['trainers.id'], name=op.f('fk_cover_offers_taken_by_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_offers'))
    )
    with op.batch_alter_table('cover_offers', schema=None) as batch_op:
        batch_op.create_index('ix_cover_offers_status_session', ['status', 'session_id'], unique=False)

    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'trainer_class_controls', sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade():
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.drop_column('trainer_class_controls')

    with op.batch_alter_table('cover_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_cover_offers_status_session')

    op.drop_table('cover_offers')

    with op.batch_alter_table('session_covers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_covers_session_id'))
        batch_op.drop_index('ix_session_covers_leave')

    op.drop_table('session_covers')
