"""Attendance's forms: the scanner's code, the door code a member's app
read, the kiosk's exit, one tap on the attendance list, adding a walk-in,
and the scan log's filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.attendance.models import ScanResult
from app.booking.forms import StaffBookForm
from app.core.forms import ChoiceField, DateBounds, IdField, IdSelectField, strip
from app.core.i18n import gym_today
from app.scheduling.forms.fields import LocalDateField

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
    session_id = IdField(invalid_message=_l("Choose a class again."))


class DoorCodeForm(FlaskForm):
    """The door code the member's camera read (self check-in)."""

    code = StringField(
        _l("Door code"),
        filters=[strip, ascii_only],
        validators=[
            DataRequired(_l("Scan the code on the check-in screen.")),
            Length(max=CODE_MAX_LENGTH, message=_l("That is not a door code of this gym.")),
        ],
    )


class KioskExitForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Type your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class TapForm(FlaskForm):
    """Check in or undo: the booking is in the URL. `audience` ("trainer" or
    "staff") says which list to go back to when the browser runs no script."""

    audience = HiddenField()


class WalkInForm(StaffBookForm):
    """Names the member as the staff booking form does (email, or a name only
    one member has); the walk-in service then books them and checks them in."""


RESULT_LABELS = {
    ScanResult.CHECKED_IN: _l("Checked in"),
    ScanResult.LATE: _l("Checked in late"),
    ScanResult.ALREADY: _l("Already checked in"),
    ScanResult.UNKNOWN: _l("Unknown code"),
    ScanResult.CANCELLED: _l("Booking cancelled"),
    ScanResult.NO_SHOW: _l("Marked no-show"),
    ScanResult.NOT_TODAY: _l("Not today"),
    ScanResult.TOO_EARLY: _l("Too early"),
    ScanResult.EXPIRED: _l("Class over"),
    ScanResult.WRONG_SESSION: _l("Other class"),
    ScanResult.NOT_YOURS: _l("Not this trainer’s class"),
    ScanResult.CODE_EXPIRED: _l("Door code expired"),
    ScanResult.NO_BOOKING: _l("No booking now"),
    ScanResult.WRONG_ROOM: _l("Other room"),
}
#: the result filter's value for every result that did not let the member in
FAILURES = "failures"


class ScanLogFilterForm(FlaskForm):
    """The scan log's filters (GET; a bad value is shown and ignored)."""

    class Meta:
        csrf = False

    day = LocalDateField(_l("Day"), validators=[Optional(), DateBounds(latest=gym_today)])
    result = ChoiceField(
        _l("Result"),
        coerce=str,
        choices=lambda: [("", _l("All results")), (FAILURES, _l("Failures only"))]
        + [(result.value, label) for result, label in RESULT_LABELS.items()],
        default="",
        invalid_message=_l("Choose a result."),
    )
    scanner = IdSelectField(
        _l("Scanned by"), blank_label=_l("Anyone"), invalid_message=_l("Choose someone.")
    )
    device = ChoiceField(
        _l("Device"),
        coerce=str,
        choices=[],
        default="",
        invalid_message=_l("Choose a device."),
    )

    def valid(self, name: str):
        """The field's data, or None when it is blank or has an error."""
        field = self[name]
        return None if field.errors else (field.data or None)
