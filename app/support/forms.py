"""Forms of the support pages. The photo is checked on its bytes by the service."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.uploads import PHOTO_TYPES
from app.support.models import IncidentKind, Severity, TicketCategory, TicketStatus
from app.support.services import MAX_SUBJECT, MAX_TEXT


def category_choices():
    return [
        (TicketCategory.BILLING.value, _l("Billing")),
        (TicketCategory.CLASSES.value, _l("Classes")),
        (TicketCategory.FACILITIES.value, _l("Facilities")),
        (TicketCategory.ACCOUNT.value, _l("Account")),
        (TicketCategory.OTHER.value, _l("Other")),
    ]


def status_choices():
    return [
        (TicketStatus.OPEN.value, _l("Open")),
        (TicketStatus.WAITING.value, _l("Waiting for the member")),
        (TicketStatus.RESOLVED.value, _l("Resolved")),
        (TicketStatus.CLOSED.value, _l("Closed")),
    ]


_MESSAGE = [
    DataRequired(message=_l("Write your message.")),
    Length(max=MAX_TEXT, message=_l("Keep it to %(max)d characters.")),
]


class TicketForm(FlaskForm):
    #: any value is passed on: the service says "Choose a category." (translated)
    category = SelectField(_l("Category"), choices=category_choices, validate_choice=False)
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(message=_l("Write a subject.")),
            Length(max=MAX_SUBJECT, message=_l("Keep it to %(max)d characters.")),
        ],
    )
    message = TextAreaField(_l("Message"), render_kw={"rows": 4}, validators=_MESSAGE)
    photo = FileField(
        _l("Photo (optional)"),
        description=_l("A JPEG, PNG or WebP picture, 5 MB at most."),
        render_kw={"accept": ",".join(PHOTO_TYPES)},
    )


class ReplyForm(FlaskForm):
    message = TextAreaField(_l("Reply"), render_kw={"rows": 3}, validators=_MESSAGE)


class StaffReplyForm(ReplyForm):
    internal = BooleanField(_l("Internal note (the member never sees it)"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=status_choices, validate_choice=False)


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assignee"), validate_choice=False)


def kind_choices():
    return [
        (IncidentKind.EQUIPMENT.value, _l("Equipment")),
        (IncidentKind.CLIENT.value, _l("Client incident")),
        (IncidentKind.SESSION_NOTE.value, _l("Session note")),
    ]


def severity_choices():
    return [
        (Severity.LOW.value, _l("Low")),
        (Severity.MEDIUM.value, _l("Medium")),
        (Severity.HIGH.value, _l("High")),
    ]


class IncidentForm(FlaskForm):
    """Ids and choices are passed on as typed: the service checks them."""

    kind = SelectField(_l("What happened"), choices=kind_choices, validate_choice=False)
    severity = SelectField(_l("Severity"), choices=severity_choices, validate_choice=False)
    description = TextAreaField(
        _l("Description"),
        render_kw={"rows": 3},
        validators=[Length(max=MAX_TEXT, message=_l("Keep it to %(max)d characters."))],
    )
    equipment_name = StringField(_l("Equipment (for equipment)"))
    out_of_service = BooleanField(_l("Out of service"))
    member_id = StringField(_l("Member number (for a client incident)"))
    session_id = StringField(_l("Session number (optional)"))
    first_aid = BooleanField(_l("First aid given"))


class ResolveForm(FlaskForm):
    resolution = TextAreaField(_l("Resolution"), render_kw={"rows": 3})
