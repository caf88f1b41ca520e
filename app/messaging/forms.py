"""Forms of the messaging pages.

Files are only collected here: their number, type and size are checked on
the bytes by the service (app.core.uploads).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from app.core.forms import IdSelectField
from app.core.idempotency.forms import IdempotentForm
from app.core.uploads import ATTACHMENT_TYPES
from app.messaging.services import MAX_ATTACHMENTS, MAX_REASON, MAX_TEXT


class MessageForm(IdempotentForm):
    """A message in an open thread: text, files, and the key that sends it once."""

    text = TextAreaField(
        _l("Message"),
        render_kw={"rows": 3},
        validators=[
            Optional(),
            Length(max=MAX_TEXT, message=_l("Keep a message to %(max)d characters.")),
        ],
    )
    attachments = MultipleFileField(
        _l("Photos or PDF"),
        description=_l(
            "Up to %(count)d files: JPEG, PNG, WebP or PDF, 5 MB each.", count=MAX_ATTACHMENTS
        ),
        render_kw={"accept": ",".join(ATTACHMENT_TYPES)},
    )


class NewMessageForm(MessageForm):
    """The first message to someone: who it is for, then the message."""

    #: any id is passed on: the service says 403 (with the reason) to someone
    #: the sender may not write to, rather than a bare "not an option"
    recipient = IdSelectField(
        _l("To"), invalid_message=_l("Choose who to write to."), validate_choice=False
    )

    field_order = ("recipient", "text", "attachments")


class ReportForm(FlaskForm):
    """Ask staff to look at a message."""

    reason = TextAreaField(
        _l("Why? (optional)"),
        render_kw={"rows": 2},
        validators=[
            Optional(),
            Length(max=MAX_REASON, message=_l("Keep the reason to %(max)d characters.")),
        ],
    )
