"""The one-click unsubscribe link of optional emails (`notifications_public`)."""

from flask import Blueprint, render_template, request

from app.extensions import csrf
from app.notifications.services import preferences

bp = Blueprint("notifications_public", __name__, url_prefix="/notifications")


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
