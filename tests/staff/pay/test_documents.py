"""The statement PDF read back with pdftotext in the trainer's language, the
email that carries it (from a real SMTP server), and the payroll export read
back with openpyxl and csv: its totals equal the statements'."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from app.core.i18n import money
from app.staff.models import PayBasis, PayStatement
from app.staff.services import pay, pay_documents
from tests.staff.pay.conftest import NOVEMBER
from tests.tools import pdf_text, require_weasyprint

EN = {"Cookie": "cupo_lang=en"}


@pytest.fixture
def weasyprint():
    require_weasyprint()


@pytest.fixture
def admin(factories):
    return factories.admin()


def _final(app, db, payroll, admin, *, language="en", name="Carla Cruz"):
    carla = payroll.trainer(name=name, language=language)
    spin = payroll.class_type("Spin")
    payroll.rate(carla, 20_000)
    payroll.rate(carla, 60_000, basis=PayBasis.PER_HOUR, class_type=spin)
    payroll.session(carla, date(2026, 11, 10))
    cs = payroll.session(carla, date(2026, 11, 12), minutes=45, class_type=spin)
    payroll.bookings(cs, booked=4, attended=3)
    with app.test_request_context(headers=EN):
        pay.draft_month(NOVEMBER, actor=admin)
        statement = db.session.scalar(
            select(PayStatement).where(PayStatement.trainer_id == carla.id)
        )
        pay.add_adjustment(statement.id, -5_000, "Uniform", actor=admin)
        pay.finalise_statement(statement.id, actor=admin)
    return db.session.get(PayStatement, statement.id, populate_existing=True)


@pytest.mark.parametrize(
    ("language", "title", "adjustment", "per_hour"),
    [
        ("en", "Pay statement, November 2026", "Adjustment: Uniform", "per hour"),
        ("es", "Nómina, noviembre 2026", "Ajuste: Uniform", "por hora"),
    ],
)
def test_the_pdf_lists_lines_adjustments_and_totals_in_the_trainers_language(
    app, db, payroll, admin, weasyprint, language, title, adjustment, per_hour
):
    statement = _final(app, db, payroll, admin, language=language)

    with app.test_request_context(headers=EN):
        text = pdf_text(pay_documents.statement_pdf(statement))

    assert title in text
    assert "Carla Cruz" in text
    assert "Spin" in text
    assert adjustment in text
    assert per_hour in text
    with app.test_request_context(headers=EN), force_locale(language):
        assert money(45_000, "MXN") in text  # 600.00 per hour × 45 minutes
        assert money(60_000, "MXN") in text  # 200.00 + 450.00 − 50.00... the total
    assert statement.total_minor == 20_000 + 45_000 - 5_000


def test_finalising_emails_the_trainer_once_with_the_pdf_attached(
    app, db, payroll, admin, weasyprint, smtp
):
    statement = _final(app, db, payroll, admin)

    [(recipients, message)] = smtp.messages
    assert recipients == [statement.trainer.user.email]
    assert message["Subject"] == "Cupo Gym: your pay statement"
    body = message.get_body(("plain",)).get_content()
    assert "Your pay statement for November 2026 is final: 2 sessions" in body
    [attachment] = [part for part in message.iter_attachments()]
    assert attachment.get_filename() == f"pay-2026-11-{statement.trainer_id}.pdf"
    assert "Pay statement, November 2026" in pdf_text(attachment.get_content())

    with app.test_request_context(headers=EN):
        assert pay.finalise_statement(statement.id, actor=admin) is False
    assert len(smtp.messages) == 1


def test_the_export_sheets_and_csv_add_up_to_the_statements(app, db, payroll, admin):
    first = _final(app, db, payroll, admin, name="Ana Alba")
    diego = payroll.trainer(name="Diego Díaz")
    payroll.rate(diego, 12_345)
    payroll.session(diego, date(2026, 11, 20))
    with app.test_request_context(headers=EN):
        pay.draft_month(NOVEMBER, actor=admin)
        book = load_workbook(io.BytesIO(pay_documents.export_xlsx(NOVEMBER)))
        rows = list(csv.reader(io.StringIO(pay_documents.export_csv(NOVEMBER).decode("utf-8-sig"))))

    statements = db.session.scalars(select(PayStatement).order_by(PayStatement.id)).all()
    assert book.sheetnames == ["Totals", "Lines"]
    totals = list(book["Totals"].iter_rows(values_only=True))
    assert totals[0] == ("Trainer", "Month", "Status", "Sessions", "Minutes", "Sessions amount",
                         "Adjustments", "Total", "Currency")  # fmt: skip
    assert [(r[0], r[2], r[7], r[8]) for r in totals[1:]] == [
        ("Ana Alba", "Final", 600, "MXN"),
        ("Diego Díaz", "Draft", 123.45, "MXN"),
    ]
    assert Decimal(str(sum(r[7] for r in totals[1:]))) * 100 == sum(
        s.total_minor for s in statements
    )
    lines = list(book["Lines"].iter_rows(values_only=True))
    assert len(lines) == 1 + 3 + 1  # header, three sessions, one adjustment
    by_trainer = {}
    for row in lines[1:]:
        by_trainer[row[0]] = by_trainer.get(row[0], Decimal(0)) + Decimal(str(row[10]))
    assert by_trainer == {"Ana Alba": Decimal("600"), "Diego Díaz": Decimal("123.45")}
    assert rows[0][0] == "Trainer" and len(rows) == len(lines)
    csv_sum = sum(Decimal(r[10]) for r in rows[1:])
    assert csv_sum * 100 == sum(s.total_minor for s in statements) == first.total_minor + 12_345


def test_the_export_downloads_as_csv_and_excel(app, db, client, login, payroll, admin):
    _final(app, db, payroll, admin)
    login(admin)
    response = client.get("/admin/staff/pay/export.csv?month=2026-11")
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    assert "payroll-2026-11.csv" in response.headers["Content-Disposition"]
    response = client.get("/admin/staff/pay/export.xlsx?month=2026-11")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data))["Totals"]["H2"].value == 600
