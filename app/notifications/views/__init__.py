"""The notifications pages, one module per audience: sent emails and the
back office's list (`staff`), each person's list, choices and Web Push
devices (`member`, `trainer`), and what anyone signed in (or a link in an
email) reaches: opening an item, the bell's count, unsubscribing (`public`).
What several audiences' pages share is here.

Everyone sees only their own notifications, so the list is one page shown in
each audience's layout.
"""

from datetime import timedelta

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import local_datetime
from app.core.inputs import page_arg
from app.core.models import utc_now
from app.core.roles import Role
from app.notifications import events
from app.notifications.forms import QuietHoursForm
from app.notifications.queries import UNREAD_CAP, notifications_of, unread_count
from app.notifications.services import preferences, push_devices

#: the list's endpoint and layout per role; admins and the desk use the back office's
LISTS = {
    Role.MEMBER: ("notifications_member.centre", "layouts/member.html"),
    Role.TRAINER: ("notifications_trainer.centre", "layouts/trainer.html"),
    Role.FRONT_DESK: ("notifications_staff.centre", "layouts/admin.html"),
    Role.ADMIN: ("notifications_staff.centre", "layouts/admin.html"),
}
SETTINGS = {
    Role.MEMBER: "notifications_member.settings",
    Role.TRAINER: "notifications_trainer.settings",
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
    "lead_received": "ti-user-plus",
    "leave_decided": "ti-beach",
    "cover_offered": "ti-calendar-event",
    "uncovered_sessions": "ti-alert-circle",
}
DEFAULT_ICON = "ti-bell"

#: younger items say "3 hours ago"; older ones their date and time
RELATIVE_WITHIN = timedelta(days=7)


def bell_count() -> int:
    """The signed-in person's unread count, up to UNREAD_CAP: one query per
    request, however often the page asks."""
    if "bell_count" not in g:
        g.bell_count = unread_count(current_user.id)
    return g.bell_count


def bell_label(count: int) -> str:
    """What the bell shows: the count, "99+" past the cap."""
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)


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


def centre_page():
    """The signed-in person's notifications, newest first, in their layout."""
    page = notifications_of(current_user.id, page_arg())
    endpoint, layout = LISTS[current_user.role]
    settings = SETTINGS.get(current_user.role)
    return render_template(
        "notifications/centre/index.html",
        layout=layout,
        endpoint=endpoint,
        page=page,
        items=_items(page.items),
        settings_url=url_for(settings) if settings else None,
    )


def _preferences_page(layout: str, form: QuietHoursForm, status: int = 200):
    return (
        render_template(
            "notifications/preferences.html",
            layout=layout,
            rows=preferences.grid(current_user),
            form=form,
            action=request.path,
            devices=push_devices.devices_of(current_user.id),
        ),
        status,
    )


def edit_preferences(layout: str):
    """GET shows the person's grid and quiet hours; POST saves the boxes ticked."""
    mine = preferences.settings_of(current_user.id)
    if request.method == "GET":
        data = {"quiet_from": mine.quiet_from, "quiet_until": mine.quiet_until} if mine else {}
        return _preferences_page(layout, QuietHoursForm(formdata=None, data=data))
    form = QuietHoursForm()
    if not form.validate():
        return _preferences_page(layout, form, 422)
    wanted = {tuple(value.split(":", 1)) for value in request.form.getlist("pick") if ":" in value}
    try:
        preferences.save(current_user, wanted, form.quiet_from.data, form.quiet_until.data)
    except DomainError as exc:
        apply_error(form, exc)
        return _preferences_page(layout, form, 422)
    flash(_("Your notification choices are saved."), "success")
    return redirect(request.path, 303)


def subscribe_device():
    """{"endpoint", "keys": {"p256dh", "auth"}} as `PushSubscription.toJSON()`
    gives it → 201 {"id"}; what no browser sends → 422 {"error"}."""
    sent = request.get_json(silent=True)
    sent = sent if isinstance(sent, dict) else {}
    keys = sent.get("keys") if isinstance(sent.get("keys"), dict) else {}
    try:
        device = push_devices.subscribe(
            current_user,
            sent.get("endpoint"),
            keys.get("p256dh"),
            keys.get("auth"),
            request.headers.get("User-Agent", ""),
        )
    except push_devices.PushDeviceError as exc:
        return jsonify(error=str(exc)), 422
    flash(_("Notifications are on for this device."), "success")
    return jsonify(id=device.id), 201


def remove_device(device_id: int, settings_endpoint: str):
    """Another person's device id is a 404 (the service raises it)."""
    push_devices.remove(current_user, device_id)
    flash(_("That device no longer gets notifications."), "success")
    return redirect(url_for(settings_endpoint), 303)
