"""Leads: people who asked to join at /join

Revision ID: 0024_leads
Revises: 0023_client_notes
Create Date: 2026-12-08 03:20:00

`leads`: one application and its follow-up. A new table only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_leads'
down_revision = '0023_client_notes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('interest', sa.Enum('membership', 'classes', 'personal_training', 'other', name='lead_interest', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('status', sa.Enum('new', 'contacted', 'trial', 'converted', 'lost', name='lead_status', native_enum=False, create_constraint=True, length=9), nullable=False),
    sa.Column('lost_reason', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('next_follow_up', sa.Date(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_leads_assignee_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_leads_member_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_email'), ['email'], unique=False)
        batch_op.create_index('ix_leads_status_created', ['status', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_status_created')
        batch_op.drop_index(batch_op.f('ix_leads_email'))

    op.drop_table('leads')
