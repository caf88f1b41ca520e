"""The member app's service worker (/app/sw.js) and its offline page.

The worker is served from /app/ so its scope is the member app and nothing
else. Its version is a digest of the deploy (the app's version and commit)
and of the shell it precaches (content-hashed static URLs), so a release
that changes either replaces the old cache. It stores nothing under /admin,
/trainer, /desk or /api/, no POST, and no response marked no-store.

For the door without a connection the worker also keeps the signed-in
member's own pages (`/app/offline.json` lists them: home, "My bookings" and
the pass and QR image of each booking in the next 7 days) in a cache named
after the member's `offline_key`. A page of another member never sees it:
every page tells static/js/app.js whose it is (or that no member is signed
in), and the caches of anyone else are deleted at once.

Bookings are not made or cancelled offline, nor replayed later (README).
"""

import hashlib
import hmac

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user

from app.booking.queries.member import upcoming_bookings
from app.core.headers import shared_file
from app.core.models import utc_now
from app.core.permissions import MEMBERS, roles_required

bp = Blueprint("pwa", __name__, url_prefix="/app")

#: how far ahead the member app keeps passes for offline use
OFFLINE_DAYS = 7

#: static files every member page needs, precached when the worker installs
SHELL = (
    "vendor/tabler/tabler.min.css",
    "vendor/tabler-icons/tabler-icons.min.css",
    "vendor/tabler-icons/fonts/tabler-icons.woff2",
    "css/app.css",
    "css/checkin-pass.css",
    "vendor/tabler/tabler.min.js",
    "vendor/htmx/htmx.min.js",
    "js/app.js",
    "js/install_card.js",
    "icons/icon.svg",
    "icons/favicon-32.png",
    "icons/app-192.png",
)


def _offline_pages() -> dict[str, str]:
    return {lang: url_for("pwa.offline", lang=lang) for lang in current_app.config["LANGUAGES"]}


@bp.get("/sw.js", endpoint="service_worker")
@shared_file
def service_worker():
    shell = [url_for("static", filename=name) for name in SHELL]
    offline = _offline_pages()
    config = current_app.config
    deploy = "|".join([config["VERSION"], config["GIT_SHA"], *shell, *offline.values()])
    version = "cupo-" + hashlib.sha256(deploy.encode()).hexdigest()[:16]
    body = render_template(
        "portals/pwa/sw.js",
        version=version,
        shell=shell,
        offline=offline,
        plan=url_for("pwa.offline_plan"),
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/app/"
    response.cache_control.no_cache = True  # the browser asks each time: a release shows at once
    return response


@bp.get("/offline", endpoint="offline")
@shared_file
def offline():
    """What the worker shows for a member page it has no copy of; the same
    for everyone (precached), in the language asked for."""
    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang")
    with force_locale(lang if lang in languages else languages[0]):
        response = current_app.make_response(render_template("portals/pwa/offline.html"))
    response.cache_control.no_cache = True
    return response


@bp.app_template_global()
def offline_key() -> str | None:
    """The signed-in member's opaque name for their offline copies, or None
    when no member is signed in (then the page deletes every copy)."""
    if not (current_user.is_authenticated and current_user.role in MEMBERS):
        return None
    secret = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(secret, f"cupo.offline.{current_user.id}".encode(), hashlib.sha256)
    return mac.hexdigest()[:20]


@bp.app_template_global()
def page_time():
    """When the page was made: what "updated 10:42" says of a stored copy."""
    return utc_now()


@bp.get("/offline.json", endpoint="offline_plan")
@roles_required(*MEMBERS)
def offline_plan():
    """What the worker keeps for the member: their pages, and a digest that
    changes when a booking in them does (so an unchanged plan costs one
    request). Never stored itself (private, no-store)."""
    bookings = upcoming_bookings(current_user.id, utc_now(), days=OFFLINE_DAYS, drafts=True)
    pages = [url_for("members.home"), url_for("booking.my_bookings")]
    for booking in bookings:
        pages.append(url_for("attendance_member.booking_pass", booking_id=booking.id))
        pages.append(url_for("attendance_member.booking_qr", booking_id=booking.id))
    state = [str(get_locale()), current_app.config["GIT_SHA"]]
    state += [f"{b.id}:{b.session.starts_at.isoformat()}:{b.session_id}" for b in bookings]
    digest = hashlib.sha256("|".join(state).encode()).hexdigest()[:16]
    return jsonify(member=offline_key(), digest=digest, pages=pages, language=str(get_locale()))
