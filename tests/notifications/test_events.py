"""The centre's line of an event: days and months as a person reads them."""

import pytest
from flask_babel import force_locale

from app.notifications.events import EVENTS


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Dec 4, 2026 to Dec 6, 2026"), ("es", "4 dic 2026 to 6 dic 2026")],
)
def test_leave_days_are_written_out_in_the_readers_language(app_ctx, language, expected):
    with force_locale(language):
        line = EVENTS["leave_decided"].describe(
            {"first_day": "2026-12-04", "last_day": "2026-12-06"}
        )
    assert "2026-12-04" not in line
    assert expected.split(" to ")[0] in line and expected.split(" to ")[1] in line


def test_a_statements_month_is_named(app_ctx):
    with force_locale("en"):
        line = EVENTS["pay_statement_ready"].describe({"month": "2026-11"})
    assert "November 2026" in line


def test_a_parameter_that_is_no_day_is_left_as_it_came(app_ctx):
    with force_locale("en"):
        line = EVENTS["leave_decided"].describe({"first_day": "soon", "last_day": None})
    assert "soon" in line


def test_every_event_that_emails_has_a_subject_and_both_bodies():
    """An event whose email has no subject fails in the delivery job, where no
    one sees it: the ticket reply's did."""
    from pathlib import Path

    from app.notifications.services.emails import SUBJECTS

    templates = Path(__file__).resolve().parents[2] / "templates" / "emails"
    missing = [
        event.email
        for event in EVENTS.values()
        if event.email
        and (
            event.email not in SUBJECTS
            or not (templates / f"{event.email}.txt").exists()
            or not (templates / f"{event.email}.html").exists()
        )
    ]
    assert missing == []
