"""Booking's forms: the one small form behind every member's booking button,
and the staff tools' forms (book a member, cancel a booking, no-show)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.booking.queries.roster import find_member
from app.core.forms import IdSelectField
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
    """Names one member: the type-ahead fills `member` with the picked member's
    email; without script an ambiguous entry comes back with `member_candidates`
    listed, each a radio button (`member_pick`) carrying that email."""

    member = StringField(
        _l("Member"),
        validators=[
            DataRequired(_l("Enter the member's email or name.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
        ],
        description=_l("Their name, email, phone or member number."),
    )
    member_pick = HiddenField(validators=[Optional(), Length(max=254)])

    #: "1" once staff answered "book anyway?" about an overlapping class;
    #: the engine's question is shown as this field's error
    confirm_overlap = HiddenField(validators=[Optional(), Length(max=5)])

    #: the member the search named, once `validate()` passed
    member_user = None
    #: the members an ambiguous entry matched (MemberResult rows), to pick from
    member_candidates: list = []

    def overlap_ok(self) -> bool:
        return self.confirm_overlap.data == "1"

    def validate_member(self, field):
        if self.member_pick.data:  # a candidate's radio button wins over the text
            field.data = self.member_pick.data
        user, matches = find_member(field.data or "")
        if user is None and matches:
            self.member_candidates = matches
            raise ValidationError(_l("More than one member matches. Pick one below."))
        if user is None:
            raise ValidationError(_l("No active member has that name, email or number."))
        self.member_user = user


class StaffCancelForm(FlaskForm):
    refund = SelectField(
        _l("Credits"),
        choices=list(REFUND_LABELS.items()),
        default="policy",
    )
    #: the page to return to (the member page), checked with `safe_next`
    next = HiddenField(validators=[Optional(), Length(max=2000)])

    def refund_choice(self) -> bool | None:
        """None: the policy decides; True: give every credit back; False: none."""
        return REFUND_CHOICES[self.refund.data]


class PickSessionForm(FlaskForm):
    """The desk books a member into one of the coming classes (the member page)."""

    session_id = IdSelectField(
        _l("Class"),
        validators=[DataRequired(_l("Choose a class."))],
        blank_label=_l("Choose a class"),
        invalid_message=_l("Choose a class from the list."),
    )
    #: "1" once staff answered "book anyway?"; the engine's question is this field's error
    confirm_overlap = HiddenField(validators=[Optional(), Length(max=5)])

    def overlap_ok(self) -> bool:
        return self.confirm_overlap.data == "1"


class NoShowForm(FlaskForm):
    """Only the CSRF token: the booking is in the URL."""


class LinkCancelForm(FlaskForm):
    """The "Can't make it?" page's one button: only the CSRF token (the
    booking is named by the signed link in the URL)."""
