"""The hidden field that makes a form's double submission harmless."""

from uuid import uuid4

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Length, Optional


def new_idempotency_key() -> str:
    """A fresh key for one rendered form: a resubmission of that form repeats it."""
    return uuid4().hex


class IdempotentForm(FlaskForm):
    """A form whose submission runs once per rendered copy (invariant 5).

    Templates fill `idempotency_key` with the `idempotency_key()` global; the
    view runs its work through `@idempotent`.
    """

    idempotency_key = HiddenField(validators=[Optional(), Length(max=64)])
