"""The notification centre: the bell in each signed-in layout, the list of a
person's notifications, opening one and "mark all read".

Everyone sees only their own notifications, so one blueprint serves every
audience: the list is at /app, /trainer or /admin in that audience's layout;
opening, marking and the bell's count are shared. Thin: read, call one
service, render or redirect.
"""

from datetime import timedelta

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.i18n import local_datetime
from app.core.inputs import page_arg
from app.core.models import utc_now
from app.core.permissions import DESK, MEMBERS, TRAINERS, roles_required
from app.core.roles import Role
from app.extensions import login_manager
from app.notifications import events
from app.notifications.queries import UNREAD_CAP, notifications_of, unread_count
from app.notifications.services import centre

bp = Blueprint("notification_centre", __name__)

#: the list's endpoint and layout per role; admins and the desk use the back office's
LISTS = {
    Role.MEMBER: ("notification_centre.member", "layouts/member.html"),
    Role.TRAINER: ("notification_centre.trainer", "layouts/trainer.html"),
    Role.FRONT_DESK: ("notification_centre.staff", "layouts/admin.html"),
    Role.ADMIN: ("notification_centre.staff", "layouts/admin.html"),
}

#: an icon per event (Tabler names, written in full for bin/icons)
ICONS = {
    "booking_confirmed": "ti-calendar-check",
    "booking_cancelled": "ti-calendar-x",
    "waitlist_offer": "ti-hourglass",
    "session_cancelled": "ti-calendar-off",
    "session_rescheduled": "ti-calendar-time",
    "trainer_session_changed": "ti-calendar-event",
    "invoice_issued": "ti-receipt",
    "credit_note_issued": "ti-receipt-refund",
    "membership_past_due": "ti-alert-circle",
    "membership_expired": "ti-id-badge-2",
    "message_received": "ti-message",
    "message_reported": "ti-flag",
}
DEFAULT_ICON = "ti-bell"

#: younger items say "3 hours ago"; older ones their date and time
RELATIVE_WITHIN = timedelta(days=7)


@bp.app_template_global()
def bell_count() -> int:
    """The signed-in person's unread count, up to UNREAD_CAP: one query per
    request, however often the page asks."""
    if "bell_count" not in g:
        g.bell_count = unread_count(current_user.id)
    return g.bell_count


@bp.app_template_global()
def bell_label(count: int) -> str:
    """What the bell shows: the count, "99+" past the cap."""
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)


@bp.app_template_global()
def centre_url() -> str:
    """The signed-in person's notification list."""
    return url_for(LISTS[current_user.role][0])


def _items(notifications) -> list[dict]:
    """What the list shows of each row, in the reader's language."""
    now = utc_now()
    items = []
    for row in notifications:
        try:
            text = events.event(row.event).describe(row.params or {})
        except KeyError:  # an event since removed from the catalogue
            text = _("Notification")
        age = now - row.created_at
        items.append(
            {
                "id": row.id,
                "text": text,
                "icon": ICONS.get(row.event, DEFAULT_ICON),
                "is_read": row.is_read,
                "created_at": row.created_at,
                "when": (
                    format_timedelta(-age, add_direction=True)
                    if age < RELATIVE_WITHIN
                    else local_datetime(row.created_at, "short")
                ),
                "exact": local_datetime(row.created_at, "long"),
            }
        )
    return items


def _list():
    page = notifications_of(current_user.id, page_arg())
    endpoint, layout = LISTS[current_user.role]
    return render_template(
        "notifications/centre/index.html",
        layout=layout,
        endpoint=endpoint,
        page=page,
        items=_items(page.items),
        settings_url=_settings_url(),
    )


def _settings_url() -> str | None:
    endpoint = {Role.MEMBER: "member", Role.TRAINER: "trainer"}.get(current_user.role)
    return url_for(f"notification_settings.{endpoint}") if endpoint else None


@bp.get("/app/notifications")
@roles_required(*MEMBERS)
def member():
    return _list()


@bp.get("/trainer/notifications")
@roles_required(*TRAINERS)
def trainer():
    return _list()


@bp.get("/admin/notifications")
@roles_required(*DESK)
def staff():
    return _list()


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open(notification_id: int):  # noqa: A001  (the action's name)
    """Mark it read and go to its object; a link that is not a path on this
    site, or none, goes to the list. Another person's id is a 404."""
    link = centre.open_notification(current_user.id, notification_id)
    return redirect(link or centre_url(), 303)


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    centre.mark_all_read(current_user.id)
    return redirect(centre_url(), 303)


@bp.get("/notifications/count")
def count():
    """The bell, for its poll: always the fragment, never stored. Signed out
    (in another tab), an htmx poll gets a 401, which htmx does not swap in."""
    if not current_user.is_authenticated:
        if request.headers.get("HX-Request"):
            return "", 401
        return login_manager.unauthorized()
    return render_template("notifications/centre/_bell.html")
