"""The one small form behind every booking button."""

from uuid import uuid4

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Length, Optional


def new_idempotency_key() -> str:
    """A fresh key for one rendered form: a resubmission of that form repeats it."""
    return uuid4().hex


class BookingActionForm(FlaskForm):
    """Book, hold, confirm, release, cancel, join or leave: CSRF, key and way back.

    `idempotency_key` makes a double submission harmless (invariant 5);
    `next` is the page the button was on, checked with `safe_next`.
    """

    idempotency_key = HiddenField(validators=[Optional(), Length(max=64)])
    next = HiddenField(validators=[Optional(), Length(max=2000)])
