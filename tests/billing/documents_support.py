"""Helpers for the invoice PDF tests: WeasyPrint present (or skipped), PDF text
read back by pdftotext (poppler), not by our own code."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from app.billing.models import ItemKind, PaymentMethod
from app.billing.services import Sale, record_payment
from tests.attendance.tools import require_tool


def require_weasyprint() -> None:
    """Skip (bin/test found no Pango and said so) or fail when WeasyPrint won't load."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        packages = "Debian packages libpango-1.0-0 libpangoft2-1.0-0"
        missing = f"weasyprint cannot be loaded ({exc}; {packages})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; CI needs it")
        if "weasyprint" in os.environ.get("CUPO_SKIP_TOOLS", "").split():
            pytest.skip(f"{missing}; CUPO_SKIP_TOOLS lists it")
        pytest.fail(f"{missing}; run bin/test, which installs it or skips these tests")


def pdf_text(data: bytes) -> str:
    """The text of a PDF, as pdftotext reads it (layout kept, so a line stays a line)."""
    pdftotext = require_tool("pdftotext", "poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "invoice.pdf"
        document.write_bytes(data)
        result = subprocess.run(
            [pdftotext, "-layout", "-enc", "UTF-8", str(document), "-"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 0, f"pdftotext failed: {result.stderr}"
    return result.stdout


def sell_pack(till, member, *, price_minor=116_000, tendered_minor=120_000, **pack):
    """A cash sale of a class pack at the desk; returns the payment."""
    plan = till.pack(price_minor=price_minor, **pack)
    return record_payment(
        member.id,
        [Sale(ItemKind.PACK, plan_id=plan.id)],
        method=PaymentMethod.CASH,
        actor=till.desk(),
        tendered_minor=tendered_minor,
    )


def stored_invoice(db, member) -> dict[str, int]:
    """An invoice of `member` whose PDF is already stored (nothing is rendered),
    written as rows, for the route tables: {"invoice_id": ...}."""
    from datetime import date

    from app.billing.models import Invoice, InvoiceKind, Payment
    from app.core.uploads import upload_root
    from tests.trainers.support import pdf_bytes

    folder = upload_root() / "invoices"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "route-table.pdf").write_bytes(pdf_bytes())
    payment = Payment(
        member_id=member.id, method=PaymentMethod.CARD, amount_minor=116, currency="MXN"
    )
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        series="T",
        number=1,
        issued_on=date.today(),
        payment=payment,
        member_id=member.id,
        seller={"name": "Cupo Gym"},
        buyer={"name": member.name},
        currency="MXN",
        tax_rate_bp=1600,
        prices_include_tax=True,
        subtotal_minor=100,
        tax_minor=16,
        total_minor=116,
        language="en",
        pdf_path="invoices/route-table.pdf",
    )
    db.session.add_all([payment, invoice])
    db.session.commit()
    return {"invoice_id": invoice.id}
