"""Reminders sent per booking and class start; calendar sequence and free cancel

Revision ID: 0017_reminders
Revises: 0016_messaging
Create Date: 2026-12-08 09:00:00

`booking_reminders` records each reminder handled, unique on (booking, kind,
class start), so the reminder job sends each once and a moved class gets
fresh ones. `bookings.ics_sequence` is the calendar file's SEQUENCE;
`bookings.free_cancel_until` is set when the class's time or trainer changed
(cancelling costs nothing until then).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_reminders'
down_revision = '0016_messaging'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('booking_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('24h', '1h', name='reminder_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('was_sent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_reminders_booking_id_bookings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_reminders')),
    sa.UniqueConstraint('booking_id', 'kind', 'starts_at', name='uq_booking_reminders_booking_kind_start')
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ics_sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('free_cancel_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('free_cancel_until')
        batch_op.drop_column('ics_sequence')

    op.drop_table('booking_reminders')
