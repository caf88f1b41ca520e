"""The scanner's code form and the kiosk's exit form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.core.forms import strip

#: a QR token is 27 characters, a short code 9; anything far longer is not ours
CODE_MAX_LENGTH = 64


def ascii_only(value):
    """Our codes are ASCII: any other character becomes "?", so the code is
    read (and logged) as unknown rather than tripping the HMAC comparison,
    which refuses non-ASCII text."""
    if not isinstance(value, str):
        return value
    return value.encode("ascii", "replace").decode("ascii")


class ScanForm(FlaskForm):
    """A code read by the camera or typed in, and the class the scanner is for."""

    code = StringField(
        _l("Code under the QR"),
        filters=[strip, ascii_only],
        validators=[
            InputRequired(_l("Type the code under the member's QR.")),
            Length(max=CODE_MAX_LENGTH, message=_l("That is not one of our codes.")),
        ],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "placeholder": "ABCD-EFGH",
            "maxlength": CODE_MAX_LENGTH,
        },
    )
    session_id = HiddenField(
        validators=[Optional(), Regexp(r"^\d{1,9}$", message=_l("Choose a class again."))]
    )


class KioskExitForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Type your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
