"""Forms for signing in, passwords, account admin and member photos."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, Regexp

from app.accounts.models import Role, UserStatus
from app.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from app.core.i18n import LANGUAGE_NAMES
from app.core.uploads import PHOTO_TYPES

ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.FRONT_DESK: _l("Front desk"),
    Role.TRAINER: _l("Trainer"),
    Role.MEMBER: _l("Member"),
}
STATUS_LABELS = {UserStatus.ACTIVE: _l("Active"), UserStatus.INACTIVE: _l("Inactive")}


def _email_field(label=None):
    return EmailField(
        label or _l("Email"),
        validators=[
            InputRequired(_l("Enter an email address.")),
            Length(max=254, message=_l("The email is too long.")),
            Email(_l("Enter a valid email address."), check_deliverability=False),
        ],
    )


def _new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(_l("Choose a password.")),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            InputRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The passwords do not match.")),
        ],
    )
    return password, confirm


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=MAX_LENGTH)],
    )
    remember = BooleanField(_l("Keep me signed in"))


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[Optional(), Length(max=MAX_LENGTH)]
    )
    password, confirm = _new_password_fields()


class LanguageForm(FlaskForm):
    language = SelectField(choices=list(LANGUAGE_NAMES.items()))


def _role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


def _language_choices():
    return [("", _l("Gym default"))] + list(LANGUAGE_NAMES.items())


class _ProfileForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(_l("Enter the person's name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )
    email = _email_field()
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40, message=_l("Use at most %(max)d characters.")),
            Regexp(r"^[0-9 +()\-.]+$", message=_l("Use digits, spaces and + ( ) - only.")),
        ],
    )
    language = SelectField(_l("Language"), choices=_language_choices, default="")


class UserForm(_ProfileForm):
    role = SelectField(_l("Role"), choices=_role_choices, default=Role.MEMBER.value)


class MemberSignUpForm(_ProfileForm):
    """A walk-in signed up at the desk: always a member, so no role field.
    The photo is optional; its type and size are checked on the bytes."""

    photo = FileField(
        _l("Photo"),
        description=_l("Optional. JPEG, PNG or WebP, at most 5 MB. It is cropped to a square."),
        render_kw={"accept": ",".join(PHOTO_TYPES)},
    )


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Role"), choices=lambda: [("", _l("All roles"))] + _role_choices(), default=""
    )
    status = SelectField(
        _l("Status"),
        choices=lambda: [("", _l("Any status"))]
        + [(s.value, label) for s, label in STATUS_LABELS.items()]
        + [("deleted", _l("Deleted"))],
        default="",
    )


class MemberPhotoForm(FlaskForm):
    """A member's photo; its type and size are checked on the bytes by the service."""

    photo = FileField(
        _l("New photo"),
        description=_l("JPEG, PNG or WebP, at most 5 MB. It is cropped to a square."),
        render_kw={"accept": ",".join(PHOTO_TYPES)},
        validators=[FileRequired(_l("Choose a picture."))],
    )
