"""Builders for the support tests."""

import pytest


@pytest.fixture(autouse=True)
def _own_upload_folder(uploads_dir):
    """Every support test stores its files under its own UPLOAD_FOLDER."""


@pytest.fixture
def news(app):
    """What `signals.tell` said during the test: [(event, kwargs)]."""
    from app.core.signals import news as news_signal

    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs))

    news_signal.connect(receiver)
    yield heard
    news_signal.disconnect(receiver)


@pytest.fixture
def ticket_of(app, db):
    """Open a ticket for a member through the service."""
    from app.support.services import open_ticket

    def make(member, subject="Locker stuck", message="My locker does not open."):
        with app.test_request_context():
            ticket_id = open_ticket(
                member, category="facilities", subject=subject, message=message
            ).id
        from app.support.models import SupportTicket

        return db.session.get(SupportTicket, ticket_id)

    return make
