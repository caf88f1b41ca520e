"""Invoice and credit note PDFs: rendered by the job after the payment, read
back with pdftotext, emailed once with the PDF attached, and rendered at most
once however often the job runs."""

import subprocess
import sys

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.billing.models import Invoice, ItemKind, PaymentMethod
from app.billing.services import documents
from app.billing.services.documents import InvoiceRenderError, render_invoice
from app.billing.services.payments import Sale, record_payment, refund_payment
from app.config import ROOT
from app.core.i18n import money
from app.core.jobs import OutboxJob, OutboxStatus, run_outbox_job
from app.core.uploads import absolute_path
from app.notifications.models import Notification
from tests.billing.documents_support import pdf_text, require_weasyprint, sell_pack


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """UPLOAD_FOLDER in the test's own folder; the invoices' folder inside it."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    return tmp_path / "invoices"


@pytest.fixture
def weasyprint():
    require_weasyprint()


def _fresh(db, invoice_id: int) -> Invoice:
    return db.session.get(Invoice, invoice_id, populate_existing=True)


def _pdf(db, invoice_id: int) -> bytes:
    return absolute_path(_fresh(db, invoice_id).pdf_path).read_bytes()


def _emails(db, event: str) -> int:
    """Receipts the member is told about (each one's email goes out by job)."""
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.event == event)
    )


def test_payment_renders_the_invoice_pdf_with_its_lines_total_and_buyer(
    db, till, uploads, weasyprint
):
    member = till.member(name="Ana López", language="en")
    pack = till.pack(name="Pack 10 classes", price_minor=116_000)
    payment = record_payment(
        member.id,
        [
            Sale(ItemKind.PACK, plan_id=pack.id),
            Sale(ItemKind.OTHER, description="Water bottle", price_minor=2_000, quantity=2),
        ],
        method=PaymentMethod.CASH,
        actor=till.desk(),
        tendered_minor=125_000,
    )

    invoice = _fresh(db, payment.invoice.id)
    assert invoice.pdf_path.startswith("invoices/") and invoice.pdf_path.endswith(".pdf")
    data = _pdf(db, invoice.id)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    with force_locale("en"):
        total, tendered, change = money(120_000, "MXN"), money(125_000, "MXN"), money(5_000, "MXN")
    assert "Invoice A-000001" in text
    assert "Pack 10 classes" in text and "Water bottle" in text
    assert total in text and "Ana López" in text
    assert "Tax (16%)" in text and "Prices include 16% tax." in text
    assert f"Cash received: {tendered} · Change: {change}" in text


@pytest.mark.parametrize(
    ("language", "expected", "other"),
    [
        ("es", ["DESCRIPCIÓN", "de diciembre de 2026"], "DESCRIPTION"),
        ("en", ["DESCRIPTION", "December 1, 2026"], "DESCRIPCIÓN"),
    ],
)
def test_pdf_speaks_the_buyers_language(db, till, uploads, weasyprint, language, expected, other):
    member = till.member(language=language)
    payment = sell_pack(till, member)

    text = pdf_text(_pdf(db, payment.invoice.id))

    assert all(word in text for word in expected), text
    assert other not in text


def test_credit_note_pdf_names_the_invoice_it_credits_and_the_reason(
    db, till, uploads, weasyprint, outbox
):
    member = till.member(language="en")
    payment = sell_pack(till, member)
    note = refund_payment(payment.id, "Moved to another city", actor=till.admin())

    text = pdf_text(_pdf(db, note.id))

    assert "Credit note NC-000001 for invoice A-000001" in text
    assert "Reason: Moved to another city" in text
    with force_locale("en"):
        assert money(-116_000, "MXN") in text
    [message] = [m for m in outbox if "credit note" in m.subject]
    assert "We issued credit note NC-000001 for invoice A-000001." in message.body
    [attachment] = message.attachments
    assert (attachment.filename, attachment.content_type) == ("NC-000001.pdf", "application/pdf")


def test_receipt_email_thanks_lists_the_purchase_and_attaches_the_pdf(
    db, till, uploads, weasyprint, outbox
):
    member = till.member(name="Lucía", language="en")
    payment = sell_pack(till, member, name="Pack 10 classes")

    [message] = outbox
    assert message.recipients == [member.email]
    assert message.subject == "Cupo Gym: your receipt and invoice"
    assert "Thank you for your payment" in message.body
    assert "- Pack 10 classes" in message.body
    with force_locale("en"):
        assert f"Total: {money(116_000, 'MXN')}" in message.body
    assert "Invoice A-000001 is attached" in message.html
    [attachment] = message.attachments
    assert (attachment.filename, attachment.content_type) == ("A-000001.pdf", "application/pdf")
    assert attachment.disposition == "attachment"
    assert attachment.data == _pdf(db, payment.invoice.id)


def test_running_the_job_again_sends_no_second_email_and_keeps_one_file(
    db, till, uploads, weasyprint, outbox
):
    payment = sell_pack(till, till.member())
    invoice_id = payment.invoice.id
    path = _fresh(db, invoice_id).pdf_path

    assert render_invoice(invoice_id) == path
    assert render_invoice(invoice_id) == path

    assert len(outbox) == 1
    assert _emails(db, "invoice_issued") == 1
    assert [p.name for p in uploads.iterdir()] == [path.split("/")[1]]


def test_a_run_that_loses_the_race_removes_its_file_and_queues_no_email(
    db, till, uploads, weasyprint, fake_redis, monkeypatch
):
    payment = sell_pack(till, till.member())  # the queued job does not run: no worker
    invoice_id = payment.invoice.id
    assert _fresh(db, invoice_id).pdf_path is None
    render = documents.invoice_pdf
    winner = []

    def render_while_another_run_finishes(invoice):
        data = render(invoice)
        if not winner:
            monkeypatch.setattr(documents, "invoice_pdf", render)
            winner.append(render_invoice(invoice_id))  # the other run commits first
        return data

    monkeypatch.setattr(documents, "invoice_pdf", render_while_another_run_finishes)
    assert render_invoice(invoice_id) == winner[0]

    assert _fresh(db, invoice_id).pdf_path == winner[0]
    assert [f"invoices/{p.name}" for p in uploads.iterdir()] == winner
    assert _emails(db, "invoice_issued") == 1


def test_job_fails_with_a_clear_error_and_is_retried_when_weasyprint_is_missing(
    db, till, uploads, fake_redis, monkeypatch
):
    payment = sell_pack(till, till.member())
    invoice_id = payment.invoice.id
    job = db.session.scalar(select(OutboxJob).where(OutboxJob.name == "billing.render_invoice"))
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango

    with pytest.raises(InvoiceRenderError, match="WeasyPrint could not be loaded"):
        run_outbox_job(job.id)

    job = db.session.get(OutboxJob, job.id, populate_existing=True)
    assert (job.status, job.attempts) == (OutboxStatus.PENDING, 1)
    assert "libpango-1.0-0" in job.last_error
    assert _fresh(db, invoice_id).pdf_path is None
    assert not uploads.exists() or not any(uploads.iterdir())
    assert _emails(db, "invoice_issued") == 0


def test_the_app_starts_and_serves_pages_when_weasyprint_cannot_be_imported():
    script = (
        "import sys; sys.modules['weasyprint'] = None\n"
        "from app import create_app\n"
        "flask_app = create_app('testing', SQLALCHEMY_DATABASE_URI='sqlite://')\n"
        "print(sorted(r.endpoint for r in flask_app.url_map.iter_rules()))\n"
        "print('login page', flask_app.test_client().get('/login').status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "billing_documents.member_pdf" in result.stdout
    assert "login page 200" in result.stdout
