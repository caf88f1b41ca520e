"""Downloading invoice PDFs (own only for members, any for the desk) and the
member's payments page."""

import pytest
from sqlalchemy import func, select

from app.billing.models import Invoice
from app.billing.services.payments import refund_payment
from app.extensions import db as _db
from app.notifications.models import Notification
from tests.accounts.support import page_text
from tests.billing.documents_support import require_weasyprint, sell_pack
from tests.queries import counting_statements


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    return tmp_path / "invoices"


@pytest.fixture
def weasyprint():
    require_weasyprint()


@pytest.fixture
def sold(till, uploads, weasyprint):
    """A member's cash payment of a class pack, its invoice rendered by the job."""
    member = till.member(name="Marta Ruiz")
    payment = sell_pack(till, member, name="Pack 10 classes")
    return member, payment.invoice


def _assert_pdf(response, label: str) -> None:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == f"inline; filename={label}.pdf"
    assert response.headers["Cache-Control"] == "private, no-store"  # a private file


def test_member_downloads_their_own_invoice(client, login, sold):
    member, invoice = sold
    login(member)
    _assert_pdf(client.get(f"/app/invoices/{invoice.id}.pdf"), "A-000001")


def test_member_gets_404_for_another_members_invoice(client, login, till, sold):
    _, invoice = sold
    login(till.member())
    assert client.get(f"/app/invoices/{invoice.id}.pdf").status_code == 404
    assert client.get("/app/invoices/999999.pdf").status_code == 404


@pytest.mark.parametrize("role", ["front_desk", "admin"])
def test_desk_downloads_any_invoice(client, login, factories, sold, role):
    _, invoice = sold
    login(getattr(factories, role)())
    _assert_pdf(client.get(f"/admin/billing/invoices/{invoice.id}.pdf"), "A-000001")


def test_trainer_and_member_are_refused_the_staff_download(client, login, factories, sold):
    member, invoice = sold
    login(factories.trainer())
    assert client.get(f"/admin/billing/invoices/{invoice.id}.pdf").status_code == 403
    login(member)
    assert client.get(f"/admin/billing/invoices/{invoice.id}.pdf").status_code == 403


def test_download_before_the_job_ran_renders_the_pdf_on_demand_once(
    db, client, login, till, uploads, weasyprint, fake_redis
):
    member = till.member()
    invoice_id = sell_pack(till, member).invoice.id  # the job waits in the queue
    assert db.session.get(Invoice, invoice_id).pdf_path is None
    login(member)

    first = client.get(f"/app/invoices/{invoice_id}.pdf")
    second = client.get(f"/app/invoices/{invoice_id}.pdf")

    _assert_pdf(first, "A-000001")
    assert second.data == first.data
    assert db.session.get(Invoice, invoice_id, populate_existing=True).pdf_path is not None
    assert len(list(uploads.iterdir())) == 1
    receipts = select(func.count()).select_from(Notification)
    assert db.session.scalar(receipts.where(Notification.event == "invoice_issued")) == 1


def test_download_says_not_ready_when_the_pdf_cannot_be_rendered(
    db, client, login, till, uploads, fake_redis, monkeypatch
):
    import sys

    member = till.member()
    invoice_id = sell_pack(till, member).invoice.id
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    login(member)

    response = client.get(f"/app/invoices/{invoice_id}.pdf", follow_redirects=True)

    assert response.request.path == "/app/payments"
    assert "This document isn't ready yet. Please try again in a few minutes." in page_text(
        response
    )


def test_payments_page_lists_payments_newest_first_with_invoice_and_credit_note(
    client, login, till, sold
):
    member, invoice = sold
    second = sell_pack(till, member, name="Pack 5 classes", price_minor=60_000)
    second_invoice_id = second.invoice.id
    note = refund_payment(second.id, "Bought twice", actor=till.admin())
    login(member)

    response = client.get("/app/payments")

    assert response.status_code == 200
    text = page_text(response)
    assert text.index("Pack 5 classes") < text.index("Pack 10 classes")
    assert "Refunded" in text and "Paid" in text and "Cash" in text
    html = response.get_data(as_text=True)
    assert f'href="/app/invoices/{invoice.id}.pdf"' in html
    assert f'href="/app/invoices/{second_invoice_id}.pdf"' in html
    assert f'href="/app/invoices/{note.id}.pdf"' in html
    assert "Credit note NC-000001" in text


def test_payments_page_shows_only_the_members_own_payments(client, login, till, sold):
    _, invoice = sold
    login(till.member())
    response = client.get("/app/payments")
    assert "No payments yet." in page_text(response)
    assert f"/app/invoices/{invoice.id}.pdf" not in response.get_data(as_text=True)


def test_payments_page_runs_the_same_queries_for_one_payment_or_many(
    app, client, login, till, uploads, weasyprint
):
    member = till.member()
    sell_pack(till, member)
    login(member)
    with counting_statements(_db.engine) as few:
        assert client.get("/app/payments").status_code == 200
    for credits in range(2, 6):
        payment = sell_pack(till, member, credits=credits)
        refund_payment(payment.id, "Test", actor=till.admin())
    with counting_statements(_db.engine) as many:
        assert client.get("/app/payments").status_code == 200
    assert len(many) == len(few)


def test_payments_page_paginates(client, login, till, sold):
    member, _ = sold
    for credits in range(2, 23):
        sell_pack(till, member, credits=credits)
    login(member)
    first = page_text(client.get("/app/payments"))
    second = page_text(client.get("/app/payments?page=2"))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Pack 22 116000" in first and "Pack 10 classes" not in first
    assert "Pack 10 classes" in second and "Pack 22 116000" not in second


def test_membership_and_profile_pages_link_to_payments(client, login, till):
    login(till.member())
    for page in ("/app/membership", "/app/profile"):
        assert 'href="/app/payments"' in client.get(page).get_data(as_text=True), page
