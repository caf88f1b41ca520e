"""Security headers on every response, added in one place.

- the basics (no sniffing, no framing, same-origin referrers);
- a Content-Security-Policy in report-only mode: browsers report what it
  would block and block nothing (templates already keep to it: no inline
  scripts, styles or handlers, see tests/core/test_templates_csp.py);
- `Cache-Control: no-store` on whatever a signed-in person is sent (their
  pages and private files: invoice PDFs, photos, certificates), so a shared
  computer's back button or cache shows nothing after they leave; static
  assets and views marked `@shared_file` (the same for everyone: the gym's
  logo) keep their caching;
- `Cache-Control: private, no-cache` instead on the member app's pages marked
  `@offline_ready` (home, "My bookings", passes and their QR images): the
  member app's worker may keep a copy to show at the door without a
  connection, and the browser asks the server each time it is online. Those
  copies are the member's own: signing out, or another member signing in,
  deletes them (static/js/app.js, templates/portals/pwa/sw.js);
- Strict-Transport-Security when the config sets `HSTS` (production).

Static files are served by WhiteNoise before Flask (app/core/assets.py),
with the same basic headers through `add_basic_headers`.
"""

from flask import current_app, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)


def init_app(app) -> None:
    hsts = app.config.get("HSTS")

    @app.after_request
    def security_headers(response):
        add_basic_headers(response.headers, hsts)
        if _private(response):
            ready = getattr(_view(), "offline_ready", False)
            response.headers["Cache-Control"] = "private, " + ("no-cache" if ready else "no-store")
        return response


def add_basic_headers(headers, hsts: str | None) -> None:
    """The headers every response carries, Flask's or WhiteNoise's (static
    files, app/core/assets.py, which never reach `after_request`)."""
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy-Report-Only", CONTENT_SECURITY_POLICY)
    if hsts:
        headers.setdefault("Strict-Transport-Security", hsts)


def shared_file(view):
    """Mark a view whose response is the same for everyone (a public file):
    it keeps its own Cache-Control even for a signed-in person."""
    view.shared_file = True
    return view


def offline_ready(view):
    """Mark a member page the member app may keep for offline use: sent
    `private, no-cache` rather than `private, no-store` (see above)."""
    view.offline_ready = True
    return view


def _view():
    return current_app.view_functions.get(request.endpoint)


def _private(response) -> bool:
    """Sent to a signed-in person, and neither a static asset nor a shared file."""
    if request.endpoint == "static":
        return False
    view = _view()
    if getattr(view, "shared_file", False):
        return False
    return bool(current_user and current_user.is_authenticated)
