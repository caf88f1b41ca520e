import pytest


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
