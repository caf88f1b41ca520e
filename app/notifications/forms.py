"""The preferences page's quiet hours (the grid's boxes are read by the view)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TimeField
from wtforms.validators import Optional


class QuietHoursForm(FlaskForm):
    quiet_from = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_until = TimeField(_l("Quiet until"), validators=[Optional()])
