"""Forms for the trainer pages: admin create/edit, the trainer's own profile,
photo and certificate uploads.

Uploads are only required here; their type and size are checked on the
bytes by the services (app.core.uploads).
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp

from app.core.forms import IdSelectField
from app.core.i18n import LANGUAGE_NAMES
from app.core.uploads import DOCUMENT_TYPES, PHOTO_TYPES
from app.trainers.services import MAX_BIO_LENGTH, NOTE_MAX


def _specialties_field():
    return StringField(
        _l("Specialties"),
        description=_l("Separate them with commas, e.g. yoga, strength, mobility."),
        validators=[Optional(), Length(max=600, message=_l("Use at most %(max)d characters."))],
    )


def _bio_field():
    return TextAreaField(
        _l("Bio"),
        render_kw={"rows": 5},
        validators=[
            Optional(),
            Length(max=MAX_BIO_LENGTH, message=_l("Use at most %(max)d characters.")),
        ],
    )


def _language_choices():
    return [("", _l("Gym default"))] + list(LANGUAGE_NAMES.items())


class TrainerForm(FlaskForm):
    """What an admin edits: contact details, profile and rate."""

    name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(_l("Enter the person's name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            InputRequired(_l("Enter an email address.")),
            Length(max=254, message=_l("The email is too long.")),
            Email(_l("Enter a valid email address."), check_deliverability=False),
        ],
    )
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40, message=_l("Use at most %(max)d characters.")),
            Regexp(r"^[0-9 +()\-.]+$", message=_l("Use digits, spaces and + ( ) - only.")),
        ],
    )
    bio = _bio_field()
    specialties = _specialties_field()


class NewTrainerForm(TrainerForm):
    language = SelectField(_l("Language"), choices=_language_choices, default="")


class ProfileForm(FlaskForm):
    """What a trainer edits about themselves."""

    bio = _bio_field()
    specialties = _specialties_field()


class PhotoForm(FlaskForm):
    photo = FileField(
        _l("New photo"),
        description=_l("JPEG, PNG or WebP, at most 5 MB. It is cropped to a square."),
        render_kw={"accept": ",".join(PHOTO_TYPES)},
        validators=[FileRequired(_l("Choose a picture."))],
    )


class CertificationForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            InputRequired(_l("Enter the certificate's title.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )
    file = FileField(
        _l("File"),
        description=_l("PDF, JPEG or PNG, at most 10 MB."),
        render_kw={"accept": ",".join(DOCUMENT_TYPES)},
        validators=[FileRequired(_l("Choose a file."))],
    )


class TrainerFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    active = SelectField(
        _l("Status"),
        choices=lambda: [
            ("", _l("Any status")),
            ("active", lazy_pgettext("trainer", "Active")),
            ("inactive", lazy_pgettext("trainer", "Inactive")),
            ("no_profile", _l("No profile yet")),
        ],
        default="",
    )


class AssignTrainerForm(FlaskForm):
    """The desk's choice of a member's assigned trainer (or none)."""

    trainer_id = IdSelectField(
        _l("Assigned trainer"),
        blank_label=_l("No assigned trainer"),
        invalid_message=_l("Choose an active trainer."),
    )


class ClientNoteForm(FlaskForm):
    """A trainer's private note about a client."""

    body = TextAreaField(
        _l("Private note"),
        description=_l("Only you see it; the member never does."),
        render_kw={"rows": 3},
        validators=[
            InputRequired(_l("Write something first.")),
            Length(max=NOTE_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )
