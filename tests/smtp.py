"""A real SMTP server for the tests: aiosmtpd on a free local port, keeping
every message it accepts, and telling the app's mail transport to use it.

`smtp.refuse(code, text, times=1)` makes the server answer the next
`times` recipients with that reply (451: try later; 550: no such mailbox),
the way a relay does.
"""

import email
import email.policy
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from app.extensions import mail


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """What the server accepted, and the refusals it still has to give."""

    messages: list = field(default_factory=list)
    refusals: list = field(default_factory=list)

    def refuse(self, code: int, text: str, *, times: int = 1) -> None:
        self.refusals += [f"{code} {text}"] * times

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.refusals:
            return self.refusals.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(app, monkeypatch):
    """Start the server and point the app's mail at it for this test."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": controller.port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_SUPPRESS_SEND": False,
    }
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.extensions, "mail", mail.init_mail(app.config))
    try:
        yield inbox
    finally:
        controller.stop()
