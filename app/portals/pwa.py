"""The member app's service worker (/app/sw.js) and its offline page.

The worker is served from /app/ so its scope is the member app and nothing
else. Its version is a digest of the deploy (the app's version and commit)
and of the shell it precaches (content-hashed static URLs), so a release
that changes either replaces the old cache. It stores nothing under /admin,
/trainer, /desk or /api/, no POST, and no response marked no-store.
"""

import hashlib

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import force_locale

from app.core.headers import shared_file

bp = Blueprint("pwa", __name__, url_prefix="/app")

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
    body = render_template("portals/pwa/sw.js", version=version, shell=shell, offline=offline)
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
