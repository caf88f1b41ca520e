"""What anyone reaches (`notifications_public`, /notifications): opening one
of their own notifications, marking them all read, the bell's count, and
the one-click unsubscribe link of optional emails (no sign-in)."""

from flask import Blueprint, redirect, render_template, request
from flask_login import current_user, login_required

from app.extensions import csrf, login_manager
from app.notifications.services import centre, preferences
from app.notifications.views import bell_count, bell_label, centre_url

bp = Blueprint("notifications_public", __name__, url_prefix="/notifications")
for helper in (bell_count, bell_label, centre_url):  # the layouts' bell uses them
    bp.add_app_template_global(helper)


@bp.post("/<int:notification_id>/open")
@login_required
def open(notification_id: int):  # noqa: A001  (the action's name)
    """Mark it read and go to its object; a link that is not a path on this
    site, or none, goes to the list. Another person's id is a 404."""
    link = centre.open_notification(current_user.id, notification_id)
    return redirect(link or centre_url(), 303)


@bp.post("/read")
@login_required
def mark_all_read():
    centre.mark_all_read(current_user.id)
    return redirect(centre_url(), 303)


@bp.get("/count")
def count():
    """The bell, for its poll: always the fragment, never stored. Signed out
    (in another tab), an htmx poll gets a 401, which htmx does not swap in."""
    if not current_user.is_authenticated:
        if request.headers.get("HX-Request"):
            return "", 401
        return login_manager.unauthorized()
    return render_template("notifications/centre/_bell.html")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail service POSTs the signed link, with no form
def unsubscribe(token: str):
    """GET only shows the button (mail scanners open links); POST acts."""
    target = preferences.unsubscribe_target(token)
    if target is None:
        return render_template("notifications/unsubscribe.html", event=None), 404
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", event=target[1], done=False)
    preferences.unsubscribe(token)
    return render_template("notifications/unsubscribe.html", event=target[1], done=True)
