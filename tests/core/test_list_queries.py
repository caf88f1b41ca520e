"""Back-office lists run the same number of queries whatever their length."""

from app.core import audit
from app.core.db import transaction
from app.notifications.services import record_email
from tests.queries import counting_statements


def _audit_rows(actor, count):
    with transaction():
        for number in range(count):
            audit.record("thing.touched", actor, actor=actor, after={"n": number})


def _emails(user, count):
    with transaction():
        for _ in range(count):
            record_email(user, "password_changed", {"name": user.name})


def _statements(client, db, path):
    client.get(path)  # warm caches (templates, settings)
    with counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_audit_log_query_count_does_not_grow_with_entries(client, db, factories, login):
    admin = factories.admin()
    login(admin)
    _audit_rows(admin, 3)
    few = _statements(client, db, "/admin/audit")
    _audit_rows(factories.trainer(), 80)
    assert _statements(client, db, "/admin/audit") == few
    assert _statements(client, db, "/admin/audit?page=2") == few


def test_sent_emails_query_count_does_not_grow_with_emails(client, db, factories, login):
    admin = factories.admin()
    login(admin)
    _emails(admin, 2)
    few = _statements(client, db, "/admin/emails/")
    _emails(factories.member(), 70)
    assert _statements(client, db, "/admin/emails/") == few
    assert _statements(client, db, "/admin/emails/?page=3") == few
