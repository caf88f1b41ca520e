"""The buyer's billing details (RFC, régimen fiscal, uso del CFDI, código
postal): saved by the member or the desk, copied onto invoices issued after."""

import re

import pytest
from sqlalchemy import func, select

from app.billing.models import BillingProfile, Invoice
from app.billing.services.profiles import BillingProfileError, save_billing_profile
from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from app.core.uploads import absolute_path
from tests.accounts.support import page_text
from tests.billing.documents_support import pdf_text, require_weasyprint, sell_pack
from tests.conftest import post_form

MEMBER_PAGE = "/app/billing-details"
RFC = "GOMJ800101AB1"
DETAILS = {
    "legal_name": "Juana Gómez Martínez",
    "tax_id": RFC,
    "fiscal_regime": "612",
    "invoice_use": "G03",
    "postal_code": "06600",
}


def desk_page(member_id: int) -> str:
    return f"/admin/members/{member_id}/billing-details"


def _profile(db, member_id: int) -> BillingProfile | None:
    return db.session.get(BillingProfile, member_id, populate_existing=True)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _field_error(response, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', response.get_data(as_text=True))
    assert match, f"no error on {field}"
    return match.group(1)


def _invoice(db, invoice_id: int) -> Invoice:
    return db.session.get(Invoice, invoice_id, populate_existing=True)


# ---- the member's page ---------------------------------------------------------


def test_member_saves_own_details_and_the_next_invoice_names_them(till, db, client, login):
    member = till.member(name="Juana Gómez")
    earlier = sell_pack(till, member, price_minor=58_000).invoice
    login(member)

    response = post_form(client, MEMBER_PAGE, DETAILS)

    assert response.status_code == 303 and response.location.endswith(MEMBER_PAGE)
    profile = _profile(db, member.id)
    assert (profile.legal_name, profile.tax_id, profile.fiscal_regime) == (
        "Juana Gómez Martínez",
        RFC,
        "612",
    )
    assert (profile.invoice_use, profile.postal_code) == ("G03", "06600")
    page = page_text(client.get(response.location))
    assert "Billing details saved. Invoices issued from now on will show them." in page
    later = sell_pack(till, member).invoice
    assert _invoice(db, later.id).buyer == {
        "name": "Juana Gómez Martínez",
        "email": member.email,
        "tax_id": RFC,
        "fiscal_regime": "612",
        "invoice_use": "G03",
        "postal_code": "06600",
    }
    assert _invoice(db, earlier.id).buyer["tax_id"] == ""


def test_earlier_invoice_keeps_its_buyer_when_details_change(till, db):
    member = till.member(name="Juana Gómez")
    earlier = sell_pack(till, member).invoice
    before = dict(_invoice(db, earlier.id).buyer)

    save_billing_profile(member.id, DETAILS, actor=member)

    assert _invoice(db, earlier.id).buyer == before
    assert before["tax_id"] == "" and before["name"] == "Juana Gómez"


def test_member_page_shows_saved_details_and_explains_invoices(till, client, login):
    member = till.member()
    save_billing_profile(member.id, DETAILS, actor=member)
    login(member)

    response = client.get(MEMBER_PAGE)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{RFC}"' in html and '<option selected value="612">' in html
    assert "appear on invoices issued from now on" in page_text(response)


def test_profile_and_payments_pages_link_to_billing_details(till, client, login):
    login(till.member())

    for path in ("/app/profile", "/app/payments"):
        assert f'href="{MEMBER_PAGE}"' in client.get(path).get_data(as_text=True), path


def test_rfc_is_normalised_to_upper_case_without_spaces_or_hyphens(till, db):
    member = till.member()

    save_billing_profile(member.id, {**DETAILS, "tax_id": " gomj-800101 ab1 "}, actor=member)

    assert _profile(db, member.id).tax_id == RFC


@pytest.mark.parametrize("rfc", ["ABC010203XY9", "ÑA&010203XY9", "XAXX010101000", "XEXX010101000"])
def test_company_and_generic_rfcs_are_accepted(till, db, rfc):
    member = till.member()

    save_billing_profile(member.id, {**DETAILS, "tax_id": rfc}, actor=member)

    assert _profile(db, member.id).tax_id == rfc


def test_details_without_rfc_need_no_regime_use_or_postal_code(till, db):
    member = till.member()

    save_billing_profile(member.id, {"legal_name": "Juana"}, actor=member)

    profile = _profile(db, member.id)
    assert (profile.legal_name, profile.tax_id, profile.fiscal_regime) == ("Juana", "", "")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"legal_name": "x" * 201}, "legal_name", "Use at most 200 characters."),
        (
            {"tax_id": "GOMJ80010AB1"},
            "tax_id",
            "Enter the RFC as the SAT issued it: 12 characters for a company, 13 for a person.",
        ),
        (
            {"tax_id": "GOMJ801301AB1"},  # month 13
            "tax_id",
            "Enter the RFC as the SAT issued it: 12 characters for a company, 13 for a person.",
        ),
        (
            {"tax_id": "G0MJ800101AB1"},
            "tax_id",
            "Enter the RFC as the SAT issued it: 12 characters for a company, 13 for a person.",
        ),
        (
            {"fiscal_regime": ""},
            "fiscal_regime",
            "Choose the tax regime that goes with this RFC.",
        ),
        ({"invoice_use": ""}, "invoice_use", "Choose what the invoice is used for."),
        (
            {"postal_code": ""},
            "postal_code",
            "Enter the postal code of the tax address that goes with this RFC.",
        ),
        ({"fiscal_regime": "602"}, "fiscal_regime", "Choose a tax regime from the list."),
        ({"invoice_use": "P01"}, "invoice_use", "Choose an invoice use from the list."),
        ({"postal_code": "0660"}, "postal_code", "Enter the 5-digit postal code."),
        ({"postal_code": "06-60"}, "postal_code", "Enter the 5-digit postal code."),
    ],
)
def test_wrong_value_is_a_field_error_on_the_page_and_nothing_is_written(
    till, db, client, login, changes, field, message
):
    member = till.member()
    login(member)
    audits = _count(db, AuditEntry)

    response = post_form(client, MEMBER_PAGE, {**DETAILS, **changes})

    assert response.status_code == 200
    assert _field_error(response, field) == message
    assert _profile(db, member.id) is None
    assert _count(db, AuditEntry) == audits


def test_wrong_value_leaves_saved_details_as_they_were(till, db):
    member = till.member()
    save_billing_profile(member.id, DETAILS, actor=member)

    with pytest.raises(BillingProfileError) as refused:
        save_billing_profile(member.id, {**DETAILS, "postal_code": "1234"}, actor=member)

    assert refused.value.field == "postal_code"
    assert _profile(db, member.id).postal_code == "06600"


def test_saving_records_an_audit_entry_with_before_and_after(till, db):
    member = till.member()
    save_billing_profile(member.id, {**DETAILS, "invoice_use": "D01"}, actor=member)
    desk = till.desk()

    save_billing_profile(member.id, DETAILS, actor=desk)

    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "billing_profile.saved")
            .order_by(AuditEntry.id)
        )
    )
    assert [(e.actor_id, e.entity_type, e.entity_id) for e in entries] == [
        (member.id, "User", str(member.id)),
        (desk.id, "User", str(member.id)),
    ]
    assert entries[0].before is None and entries[0].after["invoice_use"] == "D01"
    assert entries[1].before["invoice_use"] == "D01"
    assert entries[1].after == DETAILS


def test_saving_the_same_details_again_records_nothing(till, db):
    member = till.member()
    save_billing_profile(member.id, DETAILS, actor=member)
    audits = _count(db, AuditEntry)

    save_billing_profile(member.id, DETAILS, actor=member)

    assert _count(db, AuditEntry) == audits


# ---- who may ---------------------------------------------------------------------


def test_desk_edits_a_members_details(till, db, client, login):
    member = till.member()
    login(till.desk())

    response = post_form(client, desk_page(member.id), DETAILS)

    assert response.status_code == 303
    assert response.location.endswith(f"/admin/members/{member.id}/membership")
    assert _profile(db, member.id).tax_id == RFC
    assert f'href="{desk_page(member.id)}"' in client.get(response.location).get_data(as_text=True)


def test_desk_page_shows_field_errors(till, db, client, login):
    member = till.member()
    login(till.admin())

    response = post_form(client, desk_page(member.id), {**DETAILS, "tax_id": "NOPE"})

    assert response.status_code == 200
    assert _field_error(response, "tax_id").startswith("Enter the RFC")
    assert _profile(db, member.id) is None


def test_desk_page_of_a_non_member_is_404(till, client, login):
    desk = till.desk()
    login(desk)

    assert client.get(desk_page(till.factories.trainer().id)).status_code == 404
    assert client.get(desk_page(desk.id)).status_code == 404
    assert client.get(desk_page(999_999)).status_code == 404


@pytest.mark.parametrize("who", ["trainer", "member"])
def test_desk_page_refuses_trainers_and_members(till, db, client, login, who):
    member = till.member()
    login(till.factories.trainer() if who == "trainer" else till.member())

    response = post_form(client, desk_page(member.id), DETAILS, token_from="/password/change")

    assert response.status_code == 403
    assert _profile(db, member.id) is None


def test_service_refuses_another_member_and_a_trainer(till, db):
    member = till.member()

    for actor in (till.member(), till.factories.trainer()):
        with pytest.raises(AccessDenied):
            save_billing_profile(member.id, DETAILS, actor=actor)

    assert _profile(db, member.id) is None


def test_service_refuses_details_for_a_non_member(till, db):
    trainer = till.factories.trainer()

    with pytest.raises(BillingProfileError, match="This person is not a member."):
        save_billing_profile(trainer.id, DETAILS, actor=till.admin())

    assert _profile(db, trainer.id) is None


# ---- the PDF ---------------------------------------------------------------------


def test_invoice_pdf_shows_the_buyers_rfc(till, db, app, tmp_path, monkeypatch):
    require_weasyprint()
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    member = till.member(name="Juana Gómez", language="en")
    save_billing_profile(member.id, DETAILS, actor=member)

    invoice = _invoice(db, sell_pack(till, member).invoice.id)

    text = pdf_text(absolute_path(invoice.pdf_path).read_bytes())
    assert "Juana Gómez Martínez" in text
    assert f"Tax ID: {RFC}" in text
    assert "Tax regime: 612" in text and "Invoice use: G03" in text
    assert "Postal code: 06600" in text
