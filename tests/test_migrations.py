"""The migrations build exactly what the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db


def _diff(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def test_autogenerate_finds_no_difference_between_models_and_migrations(app):
    with app.app_context(), db.engine.connect() as connection:
        assert _diff(connection) == []


def _schema(engine) -> dict:
    inspector = inspect(engine)
    return {
        table: sorted(column["name"] for column in inspector.get_columns(table))
        for table in inspector.get_table_names()
    }


def test_sqlite_and_the_test_database_get_the_same_tables(app, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with fresh.app_context():
        upgrade(directory=fresh.extensions["migrate"].directory)
        with db.engine.connect() as connection:
            assert _diff(connection) == []
    with app.app_context():
        expected = _schema(db.engine)
    assert _schema(create_engine(url)) == expected


def test_member_search_migration_folds_the_people_already_there(tmp_path):
    url = f"sqlite:///{tmp_path / 'before.db'}"
    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    directory = fresh.extensions["migrate"].directory
    with fresh.app_context():
        upgrade(directory=directory, revision="0007_ended_sign_ins")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, name, phone, role, status, must_change_password,"
                    " session_token, created_at, updated_at)"
                    " VALUES ('jose@example.com', 'José  Núñez', '+52 55-1234', 'member',"
                    " 'active', 0, 't', '2026-01-01', '2026-01-01')"
                )
            )
        upgrade(directory=directory, revision="0008_member_search")
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT search_text FROM users")).scalar_one()
    assert stored == "jose nunez|jose@example.com|52551234"
