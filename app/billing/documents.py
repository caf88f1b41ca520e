"""The invoice PDF and the receipt email (filled in by the billing PDF work)."""


def render_invoice(invoice_id: int) -> None:
    """Render the invoice to PDF, store it and email it to the buyer."""
