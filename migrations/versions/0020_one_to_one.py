"""1:1 sessions from trainers' availability

Revision ID: 0020_one_to_one
Revises: 0019_programs
Create Date: 2026-12-08 01:40:00

`trainer_availability` keeps trainers' weekly blocks (gym-local times) and
`trainer_availability_exceptions` their dated days off and extra hours.
Class types gain the 1:1 flag with its buffer, notice and horizon; trainers
say who may book their 1:1s. Existing rows get the defaults (not 1:1,
anyone may book); free slots are computed, so nothing else is stored.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_one_to_one'
down_revision = '0019_programs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trainer_availability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weekday >= 0 AND weekday <= 6', name=op.f('ck_trainer_availability_weekday_range')),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_trainer_availability_times_in_order')),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= valid_from', name=op.f('ck_trainer_availability_dates_in_order')),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_trainer_availability_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_availability'))
    )
    with op.batch_alter_table('trainer_availability', schema=None) as batch_op:
        batch_op.create_index('ix_trainer_availability_trainer_weekday', ['trainer_id', 'weekday'], unique=False)

    op.create_table('trainer_availability_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('on_day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('off', 'extra', name='availability_exception', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(start_time IS NULL) = (end_time IS NULL)', name=op.f('ck_trainer_availability_exceptions_times_together')),
    sa.CheckConstraint('end_time IS NULL OR end_time > start_time', name=op.f('ck_trainer_availability_exceptions_times_in_order')),
    sa.CheckConstraint("kind = 'off' OR start_time IS NOT NULL", name=op.f('ck_trainer_availability_exceptions_extra_has_times')),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_trainer_availability_exceptions_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_availability_exceptions'))
    )
    with op.batch_alter_table('trainer_availability_exceptions', schema=None) as batch_op:
        batch_op.create_index('ix_trainer_availability_exceptions_trainer_day', ['trainer_id', 'on_day'], unique=False)

    with op.batch_alter_table('class_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_one_to_one', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('buffer_minutes', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('notice_minutes', sa.Integer(), nullable=False, server_default='120'))
        batch_op.add_column(sa.Column('horizon_days', sa.Integer(), nullable=False, server_default='14'))
    with op.batch_alter_table('class_types', schema=None) as batch_op:
        batch_op.alter_column('is_one_to_one', server_default=None)
        batch_op.alter_column('buffer_minutes', server_default=None)
        batch_op.alter_column('notice_minutes', server_default=None)
        batch_op.alter_column('horizon_days', server_default=None)
        batch_op.create_check_constraint('one_to_one_alone', 'NOT is_one_to_one OR default_capacity = 1')
        batch_op.create_check_constraint('buffer_not_negative', 'buffer_minutes >= 0')
        batch_op.create_check_constraint('notice_not_negative', 'notice_minutes >= 0')
        batch_op.create_check_constraint('horizon_positive', 'horizon_days > 0')

    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('one_to_one_audience', sa.String(length=10), nullable=False, server_default='anyone'))
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.alter_column('one_to_one_audience', server_default=None)
        batch_op.create_check_constraint('one_to_one_audience_known', "one_to_one_audience IN ('anyone', 'clients')")


def downgrade():
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.drop_constraint('one_to_one_audience_known', type_='check')
        batch_op.drop_column('one_to_one_audience')

    with op.batch_alter_table('class_types', schema=None) as batch_op:
        batch_op.drop_constraint('horizon_positive', type_='check')
        batch_op.drop_constraint('notice_not_negative', type_='check')
        batch_op.drop_constraint('buffer_not_negative', type_='check')
        batch_op.drop_constraint('one_to_one_alone', type_='check')
        batch_op.drop_column('horizon_days')
        batch_op.drop_column('notice_minutes')
        batch_op.drop_column('buffer_minutes')
        batch_op.drop_column('is_one_to_one')

    with op.batch_alter_table('trainer_availability_exceptions', schema=None) as batch_op:
        batch_op.drop_index('ix_trainer_availability_exceptions_trainer_day')
    op.drop_table('trainer_availability_exceptions')

    with op.batch_alter_table('trainer_availability', schema=None) as batch_op:
        batch_op.drop_index('ix_trainer_availability_trainer_weekday')
    op.drop_table('trainer_availability')
