"""Add payments, invoices and credit notes, the cash drawer, orders and webhook events

Revision ID: 0005_billing
Revises: 0004_attendance
Create Date: 2026-11-25 01:05:42.152378

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_billing'
down_revision = '0004_attendance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invoice_series',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_invoice_series'))
    )
    op.create_table('webhook_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=120), nullable=False),
    sa.Column('event_type', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('received', 'processed', 'failed', name='webhook_event_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_events')),
    sa.UniqueConstraint('gateway', 'event_id', name=op.f('uq_webhook_events_gateway'))
    )
    op.create_table('billing_profiles',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=False),
    sa.Column('tax_id', sa.String(length=20), nullable=False),
    sa.Column('fiscal_regime', sa.String(length=10), nullable=False),
    sa.Column('invoice_use', sa.String(length=10), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_billing_profiles_member_id_users')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_billing_profiles'))
    )
    op.create_table('drawer_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('expected_minor', sa.Integer(), nullable=False),
    sa.Column('counted_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('counted_by_id', sa.Integer(), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['counted_by_id'], ['users.id'], name=op.f('fk_drawer_counts_counted_by_id_users')),
    sa.ForeignKeyConstraint(['staff_id'], ['users.id'], name=op.f('fk_drawer_counts_staff_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drawer_counts')),
    sa.UniqueConstraint('day', 'staff_id', name=op.f('uq_drawer_counts_day'))
    )
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('cash', 'card', 'transfer', 'online', name='payment_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('paid', 'refunded', 'voided', name='payment_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('tendered_minor', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.CheckConstraint('(tendered_minor IS NULL) OR (tendered_minor >= amount_minor)', name=op.f('ck_payments_tendered_covers')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_payments_member_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_payments_paid_at', ['paid_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_recorded_by_id'), ['recorded_by_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invoice', 'credit_note', name='invoice_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('series', sa.String(length=10), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('credits_invoice_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('seller', sa.JSON(), nullable=False),
    sa.Column('buyer', sa.JSON(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('tax_rate_bp', sa.Integer(), nullable=False),
    sa.Column('prices_include_tax', sa.Boolean(), nullable=False),
    sa.Column('subtotal_minor', sa.Integer(), nullable=False),
    sa.Column('tax_minor', sa.Integer(), nullable=False),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('pdf_path', sa.String(length=255), nullable=True),
    sa.CheckConstraint('total_minor = subtotal_minor + tax_minor', name=op.f('ck_invoices_total_adds_up')),
    sa.ForeignKeyConstraint(['credits_invoice_id'], ['invoices.id'], name=op.f('fk_invoices_credits_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_invoices_issued_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_invoices_member_id_users')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_invoices_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('series', 'number', name=op.f('uq_invoices_series'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_payment_id'), ['payment_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('plan', 'pack', 'drop_in', 'other', name='item_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.Enum('open', 'pending', 'paid', 'declined', 'expired', name='order_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('gateway', sa.String(length=20), nullable=False),
    sa.Column('gateway_ref', sa.String(length=120), nullable=False),
    sa.Column('decline_reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_orders_member_id_users')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_orders_payment_id_payments')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_orders_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('gateway_ref', name=op.f('uq_orders_gateway_ref')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_orders_payment_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_member_id'), ['member_id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('plan', 'pack', 'drop_in', 'other', name='item_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=False),
    sa.Column('subtotal_minor', sa.Integer(), nullable=False),
    sa.Column('tax_minor', sa.Integer(), nullable=False),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('total_minor = subtotal_minor + tax_minor', name=op.f('ck_invoice_lines_line_adds_up')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_invoice_lines_booking_id_bookings')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['lot_id'], ['credit_lots.id'], name=op.f('fk_invoice_lines_lot_id_credit_lots')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_invoice_lines_membership_id_memberships')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_invoice_lines_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)

    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_id', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('prices_include_tax', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('invoice_series', sa.String(length=10), nullable=False, server_default='A'))
        batch_op.add_column(sa.Column('credit_note_series', sa.String(length=10), nullable=False, server_default='NC'))
        batch_op.add_column(sa.Column('renewal_grace_days', sa.Integer(), nullable=False, server_default='5'))



def downgrade():
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.drop_column('renewal_grace_days')
        batch_op.drop_column('credit_note_series')
        batch_op.drop_column('invoice_series')
        batch_op.drop_column('prices_include_tax')
        batch_op.drop_column('tax_id')

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_member_id'))

    op.drop_table('orders')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_payment_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_member_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_recorded_by_id'))
        batch_op.drop_index('ix_payments_paid_at')
        batch_op.drop_index(batch_op.f('ix_payments_member_id'))

    op.drop_table('payments')
    op.drop_table('drawer_counts')
    op.drop_table('billing_profiles')
    op.drop_table('webhook_events')
    op.drop_table('invoice_series')
