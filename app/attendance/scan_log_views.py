"""The scan log for staff: every code read at a scanner on one local day.

The desk runs the door, so front desk and admins read it; nobody edits it.
Filters arrive in the query string: a bad value is shown as a field error
and left out of the search, never a 500.
"""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from app.attendance import queries
from app.attendance.forms import FAILURES, RESULT_LABELS, ScanLogFilterForm
from app.attendance.models import ScanResult
from app.core.permissions import DESK, roles_required

bp = Blueprint("scan_log", __name__)


def _search(filters: ScanLogFilterForm) -> queries.ScanSearch:
    """The valid filters; a field with an error counts as blank, the day as today."""
    result = filters.valid("result")
    return queries.ScanSearch(
        day=filters.valid("day") or queries.today(),
        result=ScanResult(result) if result and result != FAILURES else None,
        failures_only=result == FAILURES,
        scanner_id=filters.valid("scanner"),
        device=filters.valid("device"),
    )


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
    search = _search(filters)
    return render_template(
        "attendance/scan_log.html",
        filters=filters,
        search=search,
        scans=queries.scans_page(search, request.args.get("page", 1, type=int)),
        counts=queries.day_counts(search.day),
        guessing=queries.guessing_devices(search.day),
        guessing_threshold=queries.GUESSING_UNKNOWN_CODES,
    )
