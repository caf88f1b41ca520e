"""Accounts: users, roles, sign-in, passwords."""


def init_app(app) -> None:
    """Its tables, its emails' jobs and the session rules of every request."""
    from app.accounts import models  # noqa: F401  (its tables)
    from app.accounts.sign_in import register_session_hooks
    from app.core.jobs import register_job

    register_job(
        app,
        "accounts.send_temporary_password",
        "app.accounts.services.accounts:send_temporary_password",
    )
    register_job(
        app, "accounts.send_password_reset", "app.accounts.services.accounts:send_password_reset"
    )
    register_session_hooks(app)
