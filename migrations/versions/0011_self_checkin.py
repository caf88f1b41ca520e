"""Self check-in: members scan the door code with the app

Revision ID: 0011_self_checkin
Revises: 0010_overlap_setting
Create Date: 2026-12-07 17:00:00.000000

A setting turns self check-in on or off (on by default). Check-ins and the
scan log learn the method "door", and the scan log three results of its own
(code_expired, no_booking, wrong_room). The enums are stored as strings with
CHECK constraints, so those are dropped and made again with the new values;
batch mode recreates the tables on SQLite, which cannot alter a constraint.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_self_checkin"
down_revision = "0010_overlap_setting"
branch_labels = None
depends_on = None

OLD_METHODS = ("qr", "code", "list", "walk_in")
NEW_METHODS = (*OLD_METHODS, "door")
OLD_RESULTS = (
    "checked_in",
    "late",
    "already",
    "unknown",
    "cancelled",
    "no_show",
    "not_today",
    "too_early",
    "expired",
    "wrong_session",
    "not_yours",
)
NEW_RESULTS = (*OLD_RESULTS, "code_expired", "no_booking", "wrong_room")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _constraints(methods: tuple[str, ...], results: tuple[str, ...]) -> None:
    """Make the method and result CHECK constraints allow exactly these values."""
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_check_ins_check_in_method"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_check_ins_check_in_method"), _in("method", methods)
        )
    with op.batch_alter_table("scan_attempts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_scan_attempts_check_in_method"), type_="check")
        batch_op.drop_constraint(op.f("ck_scan_attempts_scan_result"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_scan_attempts_check_in_method"), _in("method", methods)
        )
        batch_op.create_check_constraint(
            op.f("ck_scan_attempts_scan_result"), _in("result", results)
        )


def upgrade():
    with op.batch_alter_table("gym_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "self_checkin_enabled", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )
    _constraints(NEW_METHODS, NEW_RESULTS)


def downgrade():
    # keep the rows, in the nearest old values: a door check-in was a code
    # read by a camera; the scan log's new results become their old kin
    op.execute(sa.text("UPDATE check_ins SET method = 'qr' WHERE method = 'door'"))
    op.execute(sa.text("UPDATE scan_attempts SET method = 'qr' WHERE method = 'door'"))
    for new, old in (
        ("code_expired", "unknown"),
        ("no_booking", "unknown"),
        ("wrong_room", "wrong_session"),
    ):
        op.execute(sa.text(f"UPDATE scan_attempts SET result = '{old}' WHERE result = '{new}'"))
    _constraints(OLD_METHODS, OLD_RESULTS)
    with op.batch_alter_table("gym_settings", schema=None) as batch_op:
        batch_op.drop_column("self_checkin_enabled")
