"""Forms for leave requests, the admins' decisions and the cover plan.

Field names match those the leave and cover services give their errors, so
`apply_error` puts a refusal under its field.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import ChoiceField, IdSelectField, strip, to_id
from app.scheduling.forms.fields import LENGTH, LocalDateField, LocalTimeField
from app.staff.models import BULK_MAX, COMMENT_MAX, KIND_LABELS, REASON_MAX, LeaveKind


def _kind(value):
    if isinstance(value, LeaveKind):
        return value
    try:
        return LeaveKind(value)
    except ValueError:
        return None


class LeaveRequestForm(FlaskForm):
    kind = ChoiceField(
        _l("Kind"),
        coerce=_kind,
        choices=lambda: [(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=LeaveKind.VACATION.value,
        invalid_message=_l("Choose the kind of leave."),
    )
    first_day = LocalDateField(_l("First day"))
    last_day = LocalDateField(_l("Last day"))
    start_time = LocalTimeField(
        _l("From (time)"), description=_l("Optional: for part of a day, give both times.")
    )
    end_time = LocalTimeField(_l("Until (time)"))
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=REASON_MAX, message=LENGTH)],
        filters=[strip],
        description=_l("Seen by the admins who decide."),
    )

    def values(self) -> dict:
        return {
            "kind": self.kind.data,
            "first_day": self.first_day.data,
            "last_day": self.last_day.data,
            "start_time": self.start_time.data,
            "end_time": self.end_time.data,
            "reason": self.reason.data or "",
        }


class WithdrawForm(FlaskForm):
    """Only the CSRF token."""


class DecisionForm(FlaskForm):
    decision = ChoiceField(
        _l("Decision"),
        choices=[("approve", _l("Approve")), ("reject", _l("Reject"))],
        invalid_message=_l("Choose approve or reject."),
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Length(max=COMMENT_MAX, message=LENGTH)],
        filters=[strip],
        description=_l("Optional; sent to the trainer."),
    )


class SessionChoiceField(SelectMultipleField):
    """Classes of the cover plan, as checkboxes; `.data` is a list of ids.
    A value that is not one of the plan's classes is a field error."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=to_id, choices=[], **kwargs)

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices}
        if not self.data:
            raise ValidationError(str(_l("Choose at least one class.")))
        if len(self.data) > BULK_MAX or any(value not in allowed for value in self.data):
            raise ValidationError(str(_l("Choose classes from the plan.")))


class SubstituteForm(FlaskForm):
    session_ids = SessionChoiceField(_l("Classes"))
    substitute_id = IdSelectField(_l("Substitute"), invalid_message=_l("Choose a substitute."))


class CoverCancelForm(FlaskForm):
    session_ids = SessionChoiceField(_l("Classes"))
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=500, message=LENGTH)],
        filters=[strip],
        description=_l("Sent to everyone in the class."),
    )


class OfferForm(FlaskForm):
    """Offer classes of the plan to the free trainers."""

    session_ids = SessionChoiceField(_l("Classes"))


class AskForSubForm(FlaskForm):
    note = TextAreaField(
        _l("Note for the substitute"),
        validators=[Length(max=COMMENT_MAX, message=LENGTH)],
        filters=[strip],
        description=_l("Optional: what they should know about the class."),
    )
