"""Billing: payments at the desk and online, numbered invoices, credit notes."""


def init_app(app) -> None:
    """Its tables and jobs, and the PDF attached to receipt emails."""
    from app.billing import models  # noqa: F401  (its tables)
    from app.billing.services.documents import receipt_extras
    from app.core import signals
    from app.core.jobs import register_job

    register_job(app, "billing.render_invoice", "app.billing.services.documents:render_invoice")
    register_job(
        app, "billing.process_webhook_event", "app.billing.services.webhooks:process_event"
    )
    register_job(app, "billing.sandbox_deliver", "app.billing.gateways.sandbox:deliver_event")
    for template in ("invoice_issued", "credit_note_issued"):
        signals.email_extras.connect(receipt_extras, sender=template)
