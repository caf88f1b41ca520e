"""The reported-messages queue (`messaging_staff`, /admin/messages), admins only.

Staff never browse threads: they see a reported message and the five
before it, and dismiss the report, hide the message or close the thread
(each audited by the service). A thread with no open report is a 403.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from app.core.errors import AccessDenied
from app.core.inputs import page_arg
from app.core.permissions import ADMIN, get_or_404, roles_required
from app.messaging import queries, services
from app.messaging.models import MessageReport, MessageThread

bp = Blueprint("messaging_staff", __name__, url_prefix="/admin/messages")

NO_OPEN_REPORT = _l("Staff open a conversation only through an open report about it.")


@bp.get("/reports", endpoint="queue")
@roles_required(*ADMIN)
def queue():
    pagination, messages = queries.report_queue(page=page_arg())
    return render_template("messaging/staff/queue.html", pagination=pagination, messages=messages)


@bp.get("/reports/<int:report_id>", endpoint="report")
@roles_required(*ADMIN)
def report(report_id: int):
    """The reported message and the five before it, with the three answers."""
    report = get_or_404(MessageReport, report_id)
    if not report.is_open:
        raise AccessDenied(str(NO_OPEN_REPORT))
    return render_template(
        "messaging/staff/report.html",
        report=report,
        thread=report.message.thread,
        messages=queries.report_context(report),
    )


@bp.get("/threads/<int:thread_id>", endpoint="thread")
@roles_required(*ADMIN)
def thread(thread_id: int):
    """A thread, for staff: its oldest open report, else 403."""
    get_or_404(MessageThread, thread_id)
    report = queries.open_report_of_thread(thread_id)
    if report is None:
        raise AccessDenied(str(NO_OPEN_REPORT))
    return redirect(url_for("messaging_staff.report", report_id=report.id))


def _answer(report_id: int, action, done: str):
    get_or_404(MessageReport, report_id)
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
        return redirect(url_for("messaging_staff.report", report_id=report_id), code=303)
    try:
        action(report_id, actor=current_user._get_current_object())
    except services.MessagingError as exc:
        flash(str(exc), "danger")
    else:
        flash(done, "success")
    return redirect(url_for("messaging_staff.queue"), code=303)


@bp.post("/reports/<int:report_id>/dismiss", endpoint="dismiss")
@roles_required(*ADMIN)
def dismiss(report_id: int):
    return _answer(report_id, services.dismiss_report, _("Report dismissed."))


@bp.post("/reports/<int:report_id>/hide", endpoint="hide")
@roles_required(*ADMIN)
def hide(report_id: int):
    return _answer(report_id, services.hide_message, _("Message hidden from both people."))


@bp.post("/reports/<int:report_id>/close", endpoint="close")
@roles_required(*ADMIN)
def close(report_id: int):
    return _answer(report_id, services.close_thread, _("Conversation closed: it is read-only now."))
