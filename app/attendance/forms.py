"""Forms of the attendance list: one tap on a row, and adding a walk-in."""

from flask_wtf import FlaskForm
from wtforms import HiddenField

from app.booking.forms import StaffBookForm


class TapForm(FlaskForm):
    """Check in or undo: the booking is in the URL. `audience` ("trainer" or
    "staff") says which list to go back to when the browser runs no script."""

    audience = HiddenField()


class WalkInForm(StaffBookForm):
    """Names the member as the staff booking form does (email, or a name only
    one member has); the walk-in service then books them and checks them in."""
