"""Every date staff type is bounded by core.forms.DateBounds: typos such as
year 2099, dates in the past where only the future makes sense, and
unreadable dates are field errors, and nothing is written or emailed."""

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.core.forms import DateBounds, days_from_today
from app.memberships.models import LedgerEntry
from app.notifications.models import SentEmail
from app.scheduling.forms.fields import LocalDateField
from tests.accounts.support import field_error, page_text
from tests.conftest import post_form

APP = Path(__file__).parents[2] / "app"
#: 12:00 in Mexico City, Saturday 31 January 2026
NOON = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)


class _Form(FlaskForm):
    class Meta:
        csrf = False

    plain = LocalDateField("Plain")
    ahead = LocalDateField("Ahead", validators=[DateBounds(earliest=date(2026, 1, 20))])
    soon = LocalDateField("Soon", validators=[DateBounds(latest=days_from_today(10))])


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("plain", "2100-01-01", "Enter a date between the years 2000 and 2099."),
        ("plain", "1999-12-31", "Enter a date between the years 2000 and 2099."),
        ("plain", "31/01/2026", "Enter a date."),
        ("plain", "2026-02-30", "Enter a date."),
        ("ahead", "2026-01-19", "Choose a date on or after Jan 20, 2026."),
        ("soon", "2026-02-11", "Choose a date on or before Feb 10, 2026."),
        ("soon", "2099-01-01", "Choose a date on or before Feb 10, 2026."),
    ],
)
def test_bounds_refuse_typos_and_out_of_range_dates(app_ctx, clock, field, value, error):
    clock(NOON)
    form = _Form(formdata=MultiDict({field: value}))
    assert not form.validate()
    assert form.errors == {field: [error]}


def test_bounds_accept_the_ends_and_a_saved_value(app_ctx, clock):
    clock(NOON)
    form = _Form(formdata=MultiDict({"ahead": "2026-01-20", "soon": "2026-02-10"}))
    assert form.validate()
    form = _Form(formdata=MultiDict({"ahead": "2025-06-01"}))
    form.ahead.saved_value = date(2025, 6, 1)  # already stored: editing keeps it
    assert form.validate()


def test_every_date_field_in_the_app_is_a_bounded_local_date_field():
    """A plain wtforms DateField would skip DateBounds; LocalDateField adds it."""
    unbounded = []
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "DateField",
                "DateTimeField",
                "DateTimeLocalField",
            ):
                unbounded.append(str(path.relative_to(APP)))
    # the schedule filter's day picker clamps its date to a reach around today itself
    assert unbounded == ["portals/schedule.py"]


def _credits(db, member):
    return db.session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.member_id == member.id)
    )


@pytest.mark.parametrize(
    ("expires_on", "error"),
    [
        ("2099-01-31", "Choose a date on or before Jan 30, 2031."),
        ("2026-01-30", "Choose today or a later date."),
        ("2026-13-01", "Enter a date."),
        ("3000-01-01", "Enter a date between the years 2000 and 2099."),
    ],
)
def test_added_credits_expiry_is_bounded_and_nothing_is_written(
    client, db, factories, login, clock, expires_on, error
):
    clock(NOON)
    member = factories.member()
    login(factories.front_desk())
    path = f"/admin/members/{member.id}/membership"

    response = post_form(
        client,
        f"/admin/members/{member.id}/credits/adjust",
        {"credits": "2", "expires_on": expires_on, "reason": "Gift"},
        token_from=path,
    )

    assert response.status_code == 200
    assert field_error(response, "expires_on") == error
    assert _credits(db, member) == 0
    assert db.session.scalar(select(func.count()).select_from(SentEmail)) == 0


def test_report_filters_refuse_far_dates_and_ignore_them(client, db, factories, login, clock):
    clock(NOON)
    login(factories.front_desk())

    payments = page_text(client.get("/admin/billing/payments?date_from=2099-01-01"))
    drawer = client.get("/admin/billing/drawer?day=2026-02-01")

    assert "Choose a date on or before Feb 1, 2027." in payments
    assert drawer.status_code == 200
    assert "Choose a date on or before Jan 31, 2026." in page_text(drawer)
