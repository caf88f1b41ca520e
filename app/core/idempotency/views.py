"""`@idempotent`: the one way a view runs a form's work exactly once."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit, urlunsplit

from flask import Response, abort, make_response, render_template, request
from flask_login import current_user

from app.core.idempotency.forms import IdempotentForm, new_idempotency_key
from app.core.idempotency.services import IdempotencyError, run_once
from app.core.navigation import safe_next


def idempotent(
    operation: str,
    *,
    params: Callable[[IdempotentForm], dict] | None = None,
    conflict: Callable[[IdempotentForm, IdempotencyError], Response] | None = None,
):
    """Make `work(form, **args) -> dict` run once per (user, form's key).

    The view calls the decorated work with its validated form and the
    arguments that say what is acted on (a session id, a hold id); those
    arguments, plus `params(form)` when given, are the fingerprint. The first
    result is returned, and stored for repeats; a DomainError the work raises
    comes back, first time and on replay, as {"error": message, "field": name}.
    A key reused for other parameters (422) or still running (409) aborts with
    the problem page, which links back to the form's `next` or the referrer,
    or with what `conflict(form, error)` answers (the desk shows the form again).
    """

    def decorator(work: Callable[..., dict]) -> Callable[..., dict]:
        @wraps(work)
        def once(form: IdempotentForm, **args) -> dict:
            fingerprint = {**args, **(params(form) if params else {})}
            try:
                return run_once(
                    current_user.id,
                    form.idempotency_key.data,
                    operation,
                    fingerprint,
                    lambda: work(form, **args),
                )
            except IdempotencyError as exc:
                answer = (
                    conflict(form, exc) if conflict else _problem_page(str(exc), exc.status, form)
                )
                abort(make_response(answer))

        return once

    return decorator


def _problem_page(message: str, status: int, form: IdempotentForm):
    back_field = getattr(form, "next", None)
    back = safe_next(back_field.data if back_field else None) or _referrer_path()
    return render_template("errors/problem.html", message=message, back=back or "/"), status


def _referrer_path() -> str | None:
    """The page the form was on, when it is on this site."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return safe_next(urlunsplit(("", "", referrer.path, referrer.query, "")))


def init_app(app) -> None:
    """Give every template `idempotency_key()` for its forms' hidden field."""
    app.add_template_global(new_idempotency_key, "idempotency_key")
