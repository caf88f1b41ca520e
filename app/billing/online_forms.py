"""Forms of the shop, the sandbox checkout and the webhook events page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp


class BuyForm(FlaskForm):
    """One "Buy" button: the plan, and a key so a double tap makes one order."""

    plan_id = IntegerField(validators=[DataRequired()])
    idempotency_key = HiddenField(validators=[Optional(), Length(max=64)])


class CardForm(FlaskForm):
    """The sandbox's card form: only the number decides the outcome."""

    card_number = StringField(
        _l("Card number"),
        validators=[
            DataRequired(message=_l("Enter the card number.")),
            Regexp(r"^[\d\s-]{12,23}$", message=_l("Enter the card number in digits.")),
        ],
    )
    expiry = StringField(
        _l("Expiry (MM/YY)"),
        validators=[
            DataRequired(message=_l("Enter the expiry date.")),
            Regexp(r"^\s*(0[1-9]|1[0-2])\s*/\s*\d{2}\s*$", message=_l("Use the form MM/YY.")),
        ],
    )
    cvc = StringField(
        _l("CVC"),
        validators=[
            DataRequired(message=_l("Enter the CVC.")),
            Regexp(r"^\d{3,4}$", message=_l("Enter the 3 or 4 digits on the back.")),
        ],
    )


class RetryForm(FlaskForm):
    """An admin's "Retry" button (CSRF only)."""
