"""The scan log for staff: every code read at a scanner on one local day.

The desk runs the door, so front desk and admins read it; nobody edits it.
Filters arrive in the query string: a bad value is shown as a field error
and left out of the search, never a 500.
"""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Optional

from app.attendance import scan_log_queries as queries
from app.attendance.models import ScanResult
from app.core.permissions import DESK, roles_required
from app.scheduling.forms.fields import ChoiceField, IdSelectField, LocalDateField

bp = Blueprint("scan_log", __name__)

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
}


class ScanLogFilterForm(FlaskForm):
    """The scan log's filters (GET; a bad value is shown and ignored)."""

    class Meta:
        csrf = False

    day = LocalDateField(_l("Day"), validators=[Optional()])
    result = ChoiceField(
        _l("Result"),
        coerce=str,
        choices=lambda: [("", _l("All results")), (queries.FAILURES, _l("Failures only"))]
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
        field = self[name]
        return None if field.errors else (field.data or None)

    def search(self) -> queries.ScanSearch:
        """The valid filters; a field with an error counts as blank, the day as today."""
        result = self.valid("result")
        return queries.ScanSearch(
            day=self.valid("day") or queries.today(),
            result=queries.FAILURES if result == queries.FAILURES else _result(result),
            scanner_id=self.valid("scanner"),
            device=self.valid("device"),
        )


def _result(value: str | None) -> ScanResult | None:
    return ScanResult(value) if value else None


@bp.context_processor
def labels():
    return {"result_labels": RESULT_LABELS, "short_device": queries.short_device}


@bp.get("/admin/scans")
@roles_required(*DESK)
def index():
    filters = ScanLogFilterForm(request.args)
    filters.day.validate(filters)  # the device menu offers the devices of that day
    day = filters.valid("day") or queries.today()
    filters.scanner.set_options(queries.scanner_options())
    filters.device.choices = [("", _l("All devices"))] + [
        (device, queries.short_device(device)) for device in queries.device_options(day)
    ]
    filters.validate()
    if not filters.day.errors:
        filters.day.data = day
    search = filters.search()
    return render_template(
        "attendance/scan_log.html",
        filters=filters,
        search=search,
        scans=queries.scans_page(search, request.args.get("page", 1, type=int)),
        counts=queries.day_counts(search.day),
        guessing=queries.guessing_devices(search.day),
        guessing_threshold=queries.GUESSING_UNKNOWN_CODES,
    )
