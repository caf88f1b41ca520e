"""Members' support tickets and their replies; staff's incidents

Revision ID: 0025_support
Revises: 0024_leads
Create Date: 2026-12-08 03:20:00

`support_tickets`: a member's ticket (category, subject, status, assignee).
`support_ticket_replies`: its messages, staff's internal notes among them
(`internal`), each with an optional photo. `incidents`: equipment, client
incidents and session notes staff record. New tables only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_support'
down_revision = '0024_leads'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('billing', 'classes', 'facilities', 'account', 'other', name='ticket_category', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('status', sa.Enum('open', 'waiting', 'resolved', 'closed', name='ticket_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(subject) > 0', name=op.f('ck_support_tickets_subject_not_empty')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_support_tickets_assignee_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_support_tickets_member_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_tickets'))
    )
    with op.batch_alter_table('support_tickets', schema=None) as batch_op:
        batch_op.create_index('ix_support_tickets_member', ['member_id', 'id'], unique=False)
        batch_op.create_index('ix_support_tickets_status', ['status', 'id'], unique=False)

    op.create_table('support_ticket_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('photo_path', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_support_ticket_replies_body_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_support_ticket_replies_author_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['support_tickets.id'], name=op.f('fk_support_ticket_replies_ticket_id_support_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_ticket_replies'))
    )
    with op.batch_alter_table('support_ticket_replies', schema=None) as batch_op:
        batch_op.create_index('ix_support_ticket_replies_ticket', ['ticket_id', 'id'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('equipment', 'client', 'session_note', name='incident_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('severity', sa.Enum('low', 'medium', 'high', name='incident_severity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('equipment_name', sa.String(length=120), nullable=True),
    sa.Column('out_of_service', sa.Boolean(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('first_aid', sa.Boolean(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(description) > 0', name=op.f('ck_incidents_description_not_empty')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_incidents_assignee_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_incidents_member_id_users')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_incidents_reporter_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['class_sessions.id'], name=op.f('fk_incidents_session_id_class_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_reporter', ['reporter_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_reporter')
    op.drop_table('incidents')
    with op.batch_alter_table('support_ticket_replies', schema=None) as batch_op:
        batch_op.drop_index('ix_support_ticket_replies_ticket')
    op.drop_table('support_ticket_replies')
    with op.batch_alter_table('support_tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_support_tickets_status')
        batch_op.drop_index('ix_support_tickets_member')
    op.drop_table('support_tickets')
