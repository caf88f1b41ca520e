"""One open waitlist place per member and class

Revision ID: 0014_waitlist_one_open_place
Revises: 0013_audit_seal
Create Date: 2026-12-07 20:00:00.000000

Members joining a full class's waitlist now share the class row's lock
(FOR SHARE) instead of queueing for it one by one, so the rule "one open
place (waiting or offered) per member and class" moves from a read under
the lock into a partial unique index, on PostgreSQL and SQLite alike.
Duplicates left by an older release, if any, keep their first place: the
later ones are marked as left first.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_waitlist_one_open_place"
down_revision = "0013_audit_seal"
branch_labels = None
depends_on = None

OPEN = "status IN ('waiting', 'offered')"


def upgrade():
    op.execute(
        f"""
        UPDATE waitlist_entries SET status = 'left'
        WHERE {OPEN} AND id NOT IN (
            SELECT min(id) FROM waitlist_entries WHERE {OPEN} GROUP BY session_id, member_id
        )
        """
    )
    op.create_index(
        "uq_waitlist_open_place",
        "waitlist_entries",
        ["session_id", "member_id"],
        unique=True,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index("uq_waitlist_open_place", table_name="waitlist_entries")
