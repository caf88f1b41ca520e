"""The /join form and the staff's follow-up form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.core.forms import ChoiceField, IdSelectField, strip
from app.leads.models import Interest, LeadStatus
from app.scheduling.forms.fields import LocalDateField

INTERESTS = [
    (Interest.MEMBERSHIP.value, _l("Membership")),
    (Interest.CLASSES.value, _l("Classes")),
    (Interest.PERSONAL_TRAINING.value, _l("Personal training")),
    (Interest.OTHER.value, _l("Something else")),
]
STATUSES = [
    (LeadStatus.NEW.value, _l("New")),
    (LeadStatus.CONTACTED.value, _l("Contacted")),
    (LeadStatus.TRIAL.value, _l("Trial")),
    (LeadStatus.LOST.value, _l("Lost")),
]
STATUS_LABELS = dict(STATUSES) | {LeadStatus.CONVERTED.value: _l("Converted")}
INTEREST_LABELS = dict(INTERESTS)


class JoinForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your name.")), Length(max=120)],
    )
    email = StringField(
        _l("Email"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your email.")),
            Email(_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)])
    interest = ChoiceField(
        _l("I am interested in"),
        choices=INTERESTS,
        invalid_message=_l("Choose what you are interested in."),
    )
    message = TextAreaField(
        _l("Message"), filters=[strip], validators=[Optional(), Length(max=2000)]
    )
    consent = BooleanField(
        _l("I agree that the gym may contact me about my request."),
        validators=[DataRequired(_l("Agree to be contacted so we can answer you."))],
    )
    #: the honeypot: hidden from people, filled in by bots
    website = StringField(_l("Leave this empty"))


class LeadForm(FlaskForm):
    status = ChoiceField(_l("Status"), choices=STATUSES, invalid_message=_l("Choose a status."))
    lost_reason = StringField(
        _l("Why it was lost"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    assignee_id = IdSelectField(
        _l("Assigned to"), blank_label=_l("Nobody"), invalid_message=_l("Choose a member of staff.")
    )
    next_follow_up = LocalDateField(_l("Next follow-up"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Optional(), Length(max=5000)])
