"""Staff: trainers' availability and 1:1 slots, leave with approval and
cover, and pay statements."""


def init_app(app) -> None:
    """Its tables, signal receivers and hooks, one block per part."""
    # -- availability and 1:1 slots ------------------------------------------
    # -- leave, approval and cover -------------------------------------------
    from app.core import signals
    from app.staff import models  # noqa: F401  (its tables)
    from app.staff.queries.leave import away_between, leave_email_extras

    # approved leave: the timetable refuses the trainer then
    signals.trainers_away.connect(away_between)
    for template in ("leave_decided", "uncovered_sessions"):
        signals.email_extras.connect(leave_email_extras, sender=template)

    # -- pay -----------------------------------------------------------------
    from app.core.jobs import register_job
    from app.staff.services.pay_documents import pay_statement_extras

    register_job(
        app, "staff.send_pay_statement", "app.staff.services.pay_documents:send_pay_statement"
    )
    signals.email_extras.connect(pay_statement_extras, sender="pay_statement_ready")
