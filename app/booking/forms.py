"""The one small form behind every booking button."""

from wtforms import HiddenField
from wtforms.validators import Length, Optional

from app.core.idempotency.forms import IdempotentForm


class BookingActionForm(IdempotentForm):
    """Book, hold, confirm, release, cancel, join or leave: CSRF, key and way back.

    `next` is the page the button was on, checked with `safe_next`.
    """

    next = HiddenField(validators=[Optional(), Length(max=2000)])
