"""Shared kernel: base model, transactions, jobs, audit, permissions, i18n.

The kernel imports no domain; domains reach each other through
`app.core.signals` and register what the kernel runs (jobs, settings)
from their own `init_app`.
"""


def init_app(app) -> None:
    """The kernel's tables, its template helpers, the one access-error handler,
    the security headers, gzip for rendered text, static files (hashed,
    compressed, served by WhiteNoise) and the bounds on what clients send
    (app.core.inputs)."""
    from app.core import (  # noqa: F401  (audit, jobs: their tables)
        assets,
        audit,
        compress,
        headers,
        jobs,
    )
    from app.core.errors_views import register_error_handlers
    from app.core.i18n import register_filters
    from app.core.idempotency import models  # noqa: F401  (its table)
    from app.core.idempotency import views as idempotency_views
    from app.core.inputs import init_app as bound_inputs

    bound_inputs(app)  # before any blueprint adds an <int:…> rule
    compress.init_app(app)  # first registered, so it runs after every other after_request
    audit.init_app(app)
    register_error_handlers(app)
    headers.init_app(app)
    assets.init_app(app)
    register_filters(app)
    idempotency_views.init_app(app)
