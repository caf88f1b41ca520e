"""Labels for the sent-emails page."""

from flask_babel import lazy_gettext as _l

from app.notifications.models import EmailStatus

EMAIL_STATUS_LABELS = {
    EmailStatus.QUEUED: _l("Queued"),
    EmailStatus.SENT: _l("Sent"),
    EmailStatus.FAILED: _l("Failed"),
}
