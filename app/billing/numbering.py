"""Invoice numbers: an unbroken sequence per series (invariant 4).

The series row is locked (FOR UPDATE; SQLite holds its write lock already)
inside the transaction that issues the invoice, so two payments never share
or skip a number: a rolled-back payment gives its number back with it.
"""

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.billing.models import InvoiceSeries
from app.core.db import is_sqlite
from app.extensions import db


def next_number(series: str) -> int:
    """Take the series' next number; call inside the issuing transaction."""
    insert = sqlite_insert if is_sqlite() else pg_insert
    db.session.execute(
        insert(InvoiceSeries).values(code=series, next_number=1).on_conflict_do_nothing()
    )
    row = db.session.get(InvoiceSeries, series, with_for_update=True, populate_existing=True)
    number = row.next_number
    row.next_number = number + 1
    return number
