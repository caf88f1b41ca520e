"""Booking's forms: the one small form behind every member's booking button,
and the staff tools' forms (book a member, cancel a booking, no-show)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.booking.queries.roster import find_member
from app.core.idempotency.forms import IdempotentForm


class BookingActionForm(IdempotentForm):
    """Book, hold, confirm, release, cancel, join or leave: CSRF, key and way back.

    `next` is the page the button was on, checked with `safe_next`.
    """

    next = HiddenField(validators=[Optional(), Length(max=2000)])
    #: "1" once the member answered "book anyway?" about an overlapping class
    confirm_overlap = HiddenField(validators=[Optional(), Length(max=5)])

    def overlap_ok(self) -> bool:
        return self.confirm_overlap.data == "1"


#: how a staff cancellation settles the credits: engine `refund` argument by choice
REFUND_CHOICES = {"policy": None, "full": True, "none": False}
REFUND_LABELS = {
    "policy": _l("By the cancellation policy"),
    "full": _l("Full refund"),
    "none": _l("No refund"),
}


class StaffBookForm(FlaskForm):
    member = StringField(
        _l("Member"),
        validators=[
            DataRequired(_l("Enter the member's email or name.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
        ],
        description=_l("Their email, or their name as on their account."),
    )

    #: "1" once staff answered "book anyway?" about an overlapping class;
    #: the engine's question is shown as this field's error
    confirm_overlap = HiddenField(validators=[Optional(), Length(max=5)])

    #: the member the search named, once `validate()` passed
    member_user = None

    def overlap_ok(self) -> bool:
        return self.confirm_overlap.data == "1"

    def validate_member(self, field):
        user, matched = find_member(field.data or "")
        if user is None and matched:
            raise ValidationError(
                _l("More than one member matches. Enter their email to pick one.")
            )
        if user is None:
            raise ValidationError(_l("No active member has that email or name."))
        self.member_user = user


class StaffCancelForm(FlaskForm):
    refund = SelectField(
        _l("Credits"),
        choices=list(REFUND_LABELS.items()),
        default="policy",
    )

    def refund_choice(self) -> bool | None:
        """None: the policy decides; True: give every credit back; False: none."""
        return REFUND_CHOICES[self.refund.data]


class NoShowForm(FlaskForm):
    """Only the CSRF token: the booking is in the URL."""
