"""Trainer pay rates, monthly statements, lines and adjustments

Revision ID: 0022_pay
Revises: 0021_cover
Create Date: 2026-12-08 01:20:40.588883

`trainer_pay_rates` keeps each trainer's rates (per class or per hour, a
default and overrides per class type), each effective from a gym-local day;
`pay_statements` one statement per trainer and month, with its priced
`pay_statement_lines` and the admins' `pay_adjustments`.

Carried over: each trainer's `hourly_rate_minor` above zero becomes their
first default rate, per hour, effective from 2000-01-01, in the gym's
currency. The old column stays in the table, no longer read or written
(dropping it rebuilds `trainers` on SQLite, which the foreign keys pointing
at it refuse inside this migration's transaction).
"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_pay'
down_revision = '0021_cover'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pay_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'final', name='statement_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('lines_minor', sa.Integer(), nullable=False),
    sa.Column('adjustments_minor', sa.Integer(), nullable=False),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'final') = (finalised_at IS NOT NULL)", name=op.f('ck_pay_statements_finalised_at_set')),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['users.id'], name=op.f('fk_pay_statements_finalised_by_id_users')),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_pay_statements_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_statements')),
    sa.UniqueConstraint('trainer_id', 'month', name='uq_pay_statements_trainer_month')
    )
    with op.batch_alter_table('pay_statements', schema=None) as batch_op:
        batch_op.create_index('ix_pay_statements_month', ['month', 'trainer_id'], unique=False)

    op.create_table('pay_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_minor <> 0', name=op.f('ck_pay_adjustments_amount_not_zero')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pay_adjustments_created_by_id_users')),
    sa.ForeignKeyConstraint(['statement_id'], ['pay_statements.id'], name=op.f('fk_pay_adjustments_statement_id_pay_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_adjustments'))
    )
    with op.batch_alter_table('pay_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_adjustments_statement_id'), ['statement_id'], unique=False)

    op.create_table('trainer_pay_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('class_type_id', sa.Integer(), nullable=True),
    sa.Column('basis', sa.Enum('per_class', 'per_hour', name='pay_basis', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_trainer_pay_rates_amount_not_negative')),
    sa.ForeignKeyConstraint(['class_type_id'], ['class_types.id'], name=op.f('fk_trainer_pay_rates_class_type_id_class_types')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_trainer_pay_rates_created_by_id_users')),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_trainer_pay_rates_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_pay_rates'))
    )
    with op.batch_alter_table('trainer_pay_rates', schema=None) as batch_op:
        batch_op.create_index('ix_trainer_pay_rates_trainer_from', ['trainer_id', 'effective_from'], unique=False)

    op.create_table('pay_statement_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('class_name', sa.String(length=80), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Enum('per_class', 'per_hour', name='pay_basis', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('rate_minor', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['class_sessions.id'], name=op.f('fk_pay_statement_lines_session_id_class_sessions')),
    sa.ForeignKeyConstraint(['statement_id'], ['pay_statements.id'], name=op.f('fk_pay_statement_lines_statement_id_pay_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_statement_lines'))
    )
    with op.batch_alter_table('pay_statement_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_statement_lines_statement_id'), ['statement_id'], unique=False)

    _carry_over_hourly_rates()


def _carry_over_hourly_rates():
    conn = op.get_bind()
    currency = conn.execute(sa.text("SELECT currency FROM gym_settings WHERE id = 1")).scalar() or 'MXN'
    rows = conn.execute(
        sa.text("SELECT id, hourly_rate_minor FROM trainers WHERE hourly_rate_minor > 0 ORDER BY id")
    ).all()
    rates = sa.table(
        'trainer_pay_rates',
        sa.column('trainer_id', sa.Integer()), sa.column('class_type_id', sa.Integer()),
        sa.column('basis', sa.String()), sa.column('amount_minor', sa.Integer()),
        sa.column('currency', sa.String()), sa.column('effective_from', sa.Date()),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    now = datetime.now(timezone.utc)
    if rows:
        op.bulk_insert(rates, [
            {'trainer_id': trainer_id, 'class_type_id': None, 'basis': 'per_hour',
             'amount_minor': amount, 'currency': currency,
             'effective_from': date(2000, 1, 1), 'created_at': now}
            for trainer_id, amount in rows
        ])


def downgrade():
    with op.batch_alter_table('pay_statement_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_statement_lines_statement_id'))

    op.drop_table('pay_statement_lines')
    with op.batch_alter_table('trainer_pay_rates', schema=None) as batch_op:
        batch_op.drop_index('ix_trainer_pay_rates_trainer_from')

    op.drop_table('trainer_pay_rates')
    with op.batch_alter_table('pay_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pay_adjustments_statement_id'))

    op.drop_table('pay_adjustments')
    with op.batch_alter_table('pay_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_pay_statements_month')

    op.drop_table('pay_statements')
