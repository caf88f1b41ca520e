"""Add check-ins, the scan log and the check-in settings

Revision ID: 0004_attendance
Revises: 0003_booking
Create Date: 2026-11-25 00:34:13.059338

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_attendance'
down_revision = '0003_booking'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_late', sa.Boolean(), nullable=False),
    sa.Column('method', sa.Enum('qr', 'code', 'list', 'walk_in', name='check_in_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_check_ins_booking_id_bookings')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_check_ins_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_check_ins_member_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['class_sessions.id'], name=op.f('fk_check_ins_session_id_class_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_check_ins_booking_id'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_ins_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_ins_session_id'), ['session_id'], unique=False)

    op.create_table('scan_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scanner_id', sa.Integer(), nullable=False),
    sa.Column('device', sa.String(length=64), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.Enum('qr', 'code', 'list', 'walk_in', name='check_in_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('result', sa.Enum('checked_in', 'late', 'already', 'unknown', 'cancelled', 'no_show', 'not_today', 'too_early', 'expired', 'wrong_session', 'not_yours', name='scan_result', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('text', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_scan_attempts_booking_id_bookings')),
    sa.ForeignKeyConstraint(['scanner_id'], ['users.id'], name=op.f('fk_scan_attempts_scanner_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['class_sessions.id'], name=op.f('fk_scan_attempts_session_id_class_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_attempts'))
    )
    with op.batch_alter_table('scan_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_scan_attempts_device_at', ['device', 'scanned_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_scan_attempts_scanned_at'), ['scanned_at'], unique=False)

    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_opens_minutes', sa.Integer(), nullable=False, server_default='60'))
        batch_op.add_column(sa.Column('late_grace_minutes', sa.Integer(), nullable=False, server_default='10'))



def downgrade():
    with op.batch_alter_table('gym_settings', schema=None) as batch_op:
        batch_op.drop_column('late_grace_minutes')
        batch_op.drop_column('checkin_opens_minutes')

    with op.batch_alter_table('scan_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_attempts_scanned_at'))
        batch_op.drop_index('ix_scan_attempts_device_at')

    op.drop_table('scan_attempts')
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_ins_session_id'))
        batch_op.drop_index(batch_op.f('ix_check_ins_member_id'))

    op.drop_table('check_ins')
