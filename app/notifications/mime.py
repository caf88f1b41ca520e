"""The MIME shape of our emails, which Flask-Mail gets wrong for inline images.

Flask-Mail puts every file beside the text and HTML in one multipart/mixed,
so mail clients list an inline QR code as a stray attachment. Here:

    multipart/mixed                    (only when there are real attachments)
      multipart/alternative
        text/plain
        multipart/related              (only when there are inline images)
          text/html
          image/png  Content-ID, Content-Disposition: inline
      application/pdf  Content-Disposition: attachment

and the Message-ID names the gym's host (from `BASE_URL`), not this
machine's, which spam filters and threading read. A recorded email keeps
one Message-ID for every delivery of it (`recorded_message_id`).
"""

import re
from datetime import datetime
from email.encoders import encode_base64
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Attachment, Message

#: Flask-Mail's headers that describe its own body; ours has another shape
_BODY_HEADERS = {"content-type", "mime-version", "content-transfer-encoding"}


def message_id_domain() -> str:
    """The host of `BASE_URL` (`cupo.example` for `https://cupo.example:8443/`)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def recorded_message_id(key: str, recorded_at: datetime) -> str:
    """The Message-ID of the email recorded under `key` at `recorded_at`, the
    same on every delivery of it: sent again after a worker died between
    sending it and marking it sent, it is the same message to the mail
    services that drop a repeated Message-ID (Gmail does). The instant keeps
    it unique should a key come again (a reset database numbers invoices anew).
    """
    local = re.sub(r"[^A-Za-z0-9-]", "-", key)
    return f"<{recorded_at:%Y%m%d%H%M%S%f}.{local}@{message_id_domain()}>"


class GymMessage(Message):
    """A Flask-Mail message with the MIME tree above and the gym's Message-ID."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.msgId = make_msgid(domain=message_id_domain())

    def _message(self):
        headers = super()._message()  # Flask-Mail's headers, sanitised
        inline = [a for a in self.attachments if a.disposition == "inline"]
        attached = [a for a in self.attachments if a.disposition != "inline"]
        html = self._mimetext(self.html, "html") if self.html is not None else None
        if html is not None and inline:
            html = _multipart("related", [html, *map(_part, inline)])
            inline = []
        text = self._mimetext(self.body, "plain")
        root = _multipart("alternative", [text, html]) if html is not None else text
        if inline or attached:
            root = _multipart("mixed", [root, *map(_part, inline + attached)])
        for name, value in headers.items():
            if name.lower() not in _BODY_HEADERS:
                root[name] = value
        root.policy = headers.policy
        return root


def _multipart(subtype: str, parts) -> MIMEMultipart:
    multipart = MIMEMultipart(subtype)
    for part in parts:
        multipart.attach(part)
    return multipart


def _part(attachment: Attachment) -> MIMEBase:
    part = MIMEBase(*attachment.content_type.split("/", 1))
    part.set_payload(attachment.data)
    encode_base64(part)
    part.add_header("Content-Disposition", attachment.disposition, filename=attachment.filename)
    for name, value in (attachment.headers or {}).items():
        part.add_header(name, value)
    return part
