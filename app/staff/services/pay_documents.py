"""A pay statement as a PDF in its trainer's language, the email that
carries it, and the month's payroll export (CSV and Excel).

The PDF is rendered when asked for (download, email) from the stored lines
of the statement, which never change once it is final, so nothing is kept
on disk. WeasyPrint is imported only then, as billing does.
"""

import csv
import io
from decimal import Decimal

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core import signals
from app.core.clock import local_date
from app.core.db import transaction
from app.core.i18n import gym_settings, gym_zone, language_of
from app.core.uploads import PDF
from app.core.urls import app_path
from app.extensions import db
from app.staff.models import PayStatement
from app.staff.queries.pay import adjustments_of, export_rows, lines_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatementRenderError(RuntimeError):
    """The PDF could not be made: WeasyPrint or its system libraries are missing."""


def _weasyprint():
    """WeasyPrint's HTML class and URL fetcher, or StatementRenderError."""
    try:
        from weasyprint import HTML, URLFetcher
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are missing
        raise StatementRenderError(f"WeasyPrint could not be loaded: {exc}") from exc
    return HTML, URLFetcher


def file_name(statement: PayStatement) -> str:
    return f"pay-{statement.month:%Y-%m}-{statement.trainer_id}.pdf"


def statement_html(statement: PayStatement) -> str:
    """The statement's HTML in its trainer's language. Writes nothing."""
    with force_locale(language_of(statement.trainer.user)):
        return render_template(
            "staff/pay/statement_pdf.html",
            statement=statement,
            lines=lines_of(statement.id),
            adjustments=adjustments_of(statement.id),
            gym_name=gym_settings().gym_name,
        )


def statement_pdf(statement: PayStatement) -> bytes:
    """The statement as PDF bytes. Raises StatementRenderError when WeasyPrint
    cannot be loaded. Writes nothing; queues nothing."""
    html_class, fetcher_class = _weasyprint()
    fetcher = fetcher_class(allowed_protocols={"data"})
    return html_class(string=statement_html(statement), url_fetcher=fetcher).write_pdf()


def send_pay_statement(statement_id: int) -> None:
    """The `staff.send_pay_statement` job: tell the trainer their final
    statement is ready; the email carries the PDF (`pay_statement_extras`).
    Once per statement (the notification's key is unique); drafts and
    unknown ids are skipped. Raises nothing of its own."""
    statement = db.session.get(PayStatement, statement_id)
    if statement is None or not statement.is_final:
        return
    user = statement.trainer.user
    with transaction():
        signals.tell(
            user.id,
            "pay_statement_ready",
            link=app_path("staff_trainer.pay"),
            key=f"pay-statement-{statement.id}",
            statement_id=statement.id,
            name=user.name,
            month=f"{statement.month:%Y-%m}",
            sessions=statement.sessions,
            total_minor=statement.total_minor,
            currency=statement.currency,
        )


def pay_statement_extras(template: str, *, context: dict) -> tuple[dict, list]:
    """The `email_extras` receiver of `pay_statement_ready`: the PDF attached.

    Raises StatementRenderError when WeasyPrint is missing (the delivery job
    is retried). Writes nothing; queues nothing."""
    statement = db.session.get(PayStatement, context.get("statement_id"))
    if statement is None or not statement.is_final:
        return {}, []
    data = statement_pdf(statement)
    name = file_name(statement)
    return {"month_date": statement.month}, [(f"pay-{statement.id}", name, PDF, data, "attachment")]


# -- the payroll export -----------------------------------------------------------


def _headers():
    totals = [
        _("Trainer"), _("Month"), _("Status"), _("Sessions"), _("Minutes"),
        _("Sessions amount"), _("Adjustments"), _("Total"), _("Currency"),
    ]  # fmt: skip
    lines = [
        _("Trainer"), _("Month"), _("Kind"), _("Date"), _("Class or reason"),
        _("Minutes"), _("Members attended"), _("Members booked"), _("Pay basis"), _("Rate"),
        _("Amount"), _("Currency"),
    ]  # fmt: skip
    return totals, lines


def _major(amount_minor: int):
    """Minor units as a number of major units (an exact decimal)."""
    return Decimal(amount_minor) / 100


def export_tables(month) -> tuple[list[list], list[list]]:
    """The month's totals rows (one per statement) and lines rows (one per
    session line, then each adjustment), amounts in major units as numbers.
    Three queries. Writes nothing."""
    zone = gym_zone()
    statements, lines, adjustments = export_rows(month)
    by_id = {s.id: s for s in statements}
    basis = {"per_class": _("per class"), "per_hour": _("per hour")}
    status = {"draft": _("Draft"), "final": _("Final")}
    totals = [
        [
            s.trainer.name,
            f"{s.month:%Y-%m}",
            status[s.status.value],
            s.sessions,
            s.minutes,
            _major(s.lines_minor),
            _major(s.adjustments_minor),
            _major(s.total_minor),
            s.currency,
        ]  # fmt: skip
        for s in statements
    ]
    rows = []
    for line in lines:
        s = by_id[line.statement_id]
        rows.append(
            [
                s.trainer.name,
                f"{s.month:%Y-%m}",
                _("Session"),
                local_date(line.starts_at, zone).isoformat(),
                line.class_name,
                line.minutes,
                line.attended,
                line.booked,
                basis[line.basis.value],
                _major(line.rate_minor),
                _major(line.amount_minor),
                s.currency,
            ]  # fmt: skip
        )
    for adjustment in adjustments:
        s = by_id[adjustment.statement_id]
        rows.append(
            [
                s.trainer.name,
                f"{s.month:%Y-%m}",
                _("Adjustment"),
                local_date(adjustment.created_at, zone).isoformat(),
                adjustment.reason,
                "",
                "",
                "",
                "",
                "",
                _major(adjustment.amount_minor),
                s.currency,
            ]  # fmt: skip
        )
    return totals, rows


def export_csv(month) -> bytes:
    """The lines sheet as CSV (UTF-8 with a BOM, so spreadsheets read accents)."""
    _totals, rows = export_tables(month)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers()[1])
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(month) -> bytes:
    """A workbook: a totals sheet (one row per statement) and a lines sheet."""
    from openpyxl import Workbook

    totals, rows = export_tables(month)
    totals_head, lines_head = _headers()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Totals")
    for row in [totals_head, *totals]:
        sheet.append(row)
    lines_sheet = book.create_sheet(_("Lines"))
    for row in [lines_head, *rows]:
        lines_sheet.append(row)
    for ws, money_columns in ((sheet, "FGH"), (lines_sheet, "JK")):
        for column in money_columns:
            for cell in ws[column][1:]:
                cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
