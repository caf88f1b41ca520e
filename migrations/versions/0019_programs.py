"""Workout programs: the exercise library, programs (templates and members'
copies) with days and lines, logged sets, diet charts and their meals

Revision ID: 0019_programs
Revises: 0018_trainer_leave
Create Date: 2026-12-08 01:20:50.901464

New tables only: nothing to carry over. A partial unique index keeps one
active program per member; a logged set copies its prescription and loses
only its link (SET NULL) when the trainer removes the line.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_programs'
down_revision = '0018_trainer_leave'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exercises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('name_es', sa.String(length=120), nullable=False),
    sa.Column('muscle_group', sa.Enum('chest', 'back', 'shoulders', 'arms', 'legs', 'glutes', 'core', 'full_body', 'cardio', name='muscle_group', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('equipment', sa.Enum('barbell', 'dumbbell', 'kettlebell', 'machine', 'cable', 'band', 'bodyweight', 'other', name='exercise_equipment', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('image_path', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercises')),
    sa.UniqueConstraint('name_en', name=op.f('uq_exercises_name_en'))
    )
    op.create_table('diet_charts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kcal', sa.Integer(), nullable=False),
    sa.Column('protein_g', sa.Integer(), nullable=False),
    sa.Column('carbs_g', sa.Integer(), nullable=False),
    sa.Column('fat_g', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('kcal BETWEEN 0 AND 10000', name=op.f('ck_diet_charts_kcal_in_range')),
    sa.CheckConstraint('protein_g BETWEEN 0 AND 1000 AND carbs_g BETWEEN 0 AND 1000 AND fat_g BETWEEN 0 AND 1000', name=op.f('ck_diet_charts_macros_in_range')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_diet_charts_member_id_users')),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_diet_charts_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diet_charts'))
    )
    with op.batch_alter_table('diet_charts', schema=None) as batch_op:
        batch_op.create_index('ix_diet_charts_member', ['member_id', 'ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_diet_charts_trainer_id'), ['trainer_id'], unique=False)

    op.create_table('programs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('template', 'active', 'ended', name='program_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('goal', sa.String(length=500), nullable=False),
    sa.Column('weeks', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(member_id IS NULL) = (status = 'template')", name=op.f('ck_programs_member_unless_template')),
    sa.CheckConstraint('(member_id IS NULL) = (starts_on IS NULL)', name=op.f('ck_programs_start_with_member')),
    sa.CheckConstraint('weeks BETWEEN 1 AND 52', name=op.f('ck_programs_weeks_in_range')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_programs_member_id_users')),
    sa.ForeignKeyConstraint(['source_id'], ['programs.id'], name=op.f('fk_programs_source_id_programs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_programs_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programs'))
    )
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programs_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_programs_trainer_status', ['trainer_id', 'status'], unique=False)
        batch_op.create_index('uq_programs_one_active', ['member_id'], unique=True, postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))

    op.create_table('diet_meals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chart_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('at', sa.Time(), nullable=True),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['chart_id'], ['diet_charts.id'], name=op.f('fk_diet_meals_chart_id_diet_charts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diet_meals'))
    )
    with op.batch_alter_table('diet_meals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diet_meals_chart_id'), ['chart_id'], unique=False)

    op.create_table('program_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_program_days_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_days'))
    )
    with op.batch_alter_table('program_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_days_program_id'), ['program_id'], unique=False)

    op.create_table('program_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('sets', sa.Integer(), nullable=False),
    sa.Column('reps_min', sa.Integer(), nullable=True),
    sa.Column('reps_max', sa.Integer(), nullable=True),
    sa.Column('seconds', sa.Integer(), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('rest_seconds', sa.Integer(), nullable=False),
    sa.Column('superset', sa.String(length=4), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint('(reps_min IS NULL) <> (seconds IS NULL)', name=op.f('ck_program_lines_reps_or_seconds')),
    sa.CheckConstraint('reps_max IS NULL OR (reps_min IS NOT NULL AND reps_max > reps_min)', name=op.f('ck_program_lines_reps_range_in_order')),
    sa.CheckConstraint('reps_min IS NULL OR reps_min >= 1', name=op.f('ck_program_lines_reps_positive')),
    sa.CheckConstraint('rest_seconds >= 0', name=op.f('ck_program_lines_rest_not_negative')),
    sa.CheckConstraint('seconds IS NULL OR seconds >= 1', name=op.f('ck_program_lines_seconds_positive')),
    sa.CheckConstraint('sets BETWEEN 1 AND 50', name=op.f('ck_program_lines_sets_in_range')),
    sa.CheckConstraint('weight_g IS NULL OR weight_g BETWEEN 0 AND 1000000', name=op.f('ck_program_lines_weight_in_range')),
    sa.ForeignKeyConstraint(['day_id'], ['program_days.id'], name=op.f('fk_program_lines_day_id_program_days')),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_program_lines_exercise_id_exercises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_lines'))
    )
    with op.batch_alter_table('program_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_lines_day_id'), ['day_id'], unique=False)

    op.create_table('program_set_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('set_number', sa.Integer(), nullable=False),
    sa.Column('reps', sa.Integer(), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('rpe', sa.Integer(), nullable=True),
    sa.Column('day_name', sa.String(length=80), nullable=False),
    sa.Column('prescribed_sets', sa.Integer(), nullable=False),
    sa.Column('prescribed_reps_min', sa.Integer(), nullable=True),
    sa.Column('prescribed_reps_max', sa.Integer(), nullable=True),
    sa.Column('prescribed_seconds', sa.Integer(), nullable=True),
    sa.Column('prescribed_weight_g', sa.Integer(), nullable=True),
    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reps BETWEEN 1 AND 1000', name=op.f('ck_program_set_logs_reps_in_range')),
    sa.CheckConstraint('rpe IS NULL OR rpe BETWEEN 1 AND 10', name=op.f('ck_program_set_logs_rpe_in_range')),
    sa.CheckConstraint('weight_g IS NULL OR weight_g BETWEEN 0 AND 1000000', name=op.f('ck_program_set_logs_weight_in_range')),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_program_set_logs_exercise_id_exercises')),
    sa.ForeignKeyConstraint(['line_id'], ['program_lines.id'], name=op.f('fk_program_set_logs_line_id_program_lines'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_program_set_logs_member_id_users')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_program_set_logs_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_set_logs'))
    )
    with op.batch_alter_table('program_set_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_set_logs_line_id'), ['line_id'], unique=False)
        batch_op.create_index('ix_program_set_logs_member_day', ['member_id', 'performed_on'], unique=False)
        batch_op.create_index('ix_program_set_logs_program_day', ['program_id', 'performed_on'], unique=False)



def downgrade():
    with op.batch_alter_table('program_set_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_program_set_logs_program_day')
        batch_op.drop_index('ix_program_set_logs_member_day')
        batch_op.drop_index(batch_op.f('ix_program_set_logs_line_id'))

    op.drop_table('program_set_logs')
    with op.batch_alter_table('program_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_program_lines_day_id'))

    op.drop_table('program_lines')
    with op.batch_alter_table('program_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_program_days_program_id'))

    op.drop_table('program_days')
    with op.batch_alter_table('diet_meals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diet_meals_chart_id'))

    op.drop_table('diet_meals')
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_index('uq_programs_one_active', postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))
        batch_op.drop_index('ix_programs_trainer_status')
        batch_op.drop_index(batch_op.f('ix_programs_member_id'))

    op.drop_table('programs')
    with op.batch_alter_table('diet_charts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diet_charts_trainer_id'))
        batch_op.drop_index('ix_diet_charts_member')

    op.drop_table('diet_charts')
    op.drop_table('exercises')
