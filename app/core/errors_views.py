"""One styled, translated page per error status."""

import logging
import math
import time

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.core.errors import AccessDenied
from app.extensions import db, limiter

log = logging.getLogger(__name__)
PAGES = {400, 403, 404, 405, 413, 429, 500}


def retry_after_seconds() -> int | None:
    limit = limiter.current_limit
    if limit is None:
        return None
    return max(1, math.ceil(limit.reset_at - time.time()))


def render_error(status: int, **context):
    template = f"errors/{status if status in PAGES else 500}.html"
    return render_template(template, status=status, **context), status


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, reason=_("The form expired or was sent twice. Please try again."))

    @app.errorhandler(AccessDenied)
    def access_denied(exc):
        """Every 403/404 a service, loader or decorator raises, in one place.

        A 403 raised with its own message (why this person may not) shows it;
        a 404 says nothing more, so a record's existence is not revealed."""
        own = exc.status == 403 and exc.message != str(exc.default_message)
        return render_error(exc.status, reason=exc.message if own else None)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code == 429:
            seconds = retry_after_seconds()
            response = render_error(429, retry_after=seconds)
            headers = {"Retry-After": str(seconds)} if seconds else {}
            return response[0], 429, headers
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code)

    @app.errorhandler(Exception)
    def server_error(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)
