"""Counts read right at 1 and at 2, in English and Spanish ("1 créditos" was wrong)."""

import re

import pytest

from app.memberships.models import Plan, PlanInterval, PlanKind
from app.settings.models import GymSettings
from tests.accounts.support import page_text

CASES = {
    "en": (["1 credit ·", "valid for 1 day", "2 credits ·", "valid for 2 days"], "1 credits"),
    "es": (
        ["1 crédito ·", "vigencia de 1 día", "2 créditos ·", "vigencia de 2 días"],
        "1 créditos",
    ),
}


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


@pytest.mark.parametrize("language", ["en", "es"])
def test_plan_list_counts_credits_and_days(client, db, factories, login, language):
    for credits, days in ((1, 1), (2, 2)):
        db.session.add(
            Plan(
                name=f"Pack {credits}",
                price_minor=10000,
                interval=PlanInterval.NONE,
                kind=PlanKind.CREDITS,
                credits_cc=credits * 100,
                valid_days=days,
            )
        )
    db.session.commit()
    login(factories.admin(language=language))

    text = _text(client.get("/admin/plans"))

    wanted, wrong = CASES[language]
    assert all(phrase in text for phrase in wanted), text
    assert wrong not in text


@pytest.mark.parametrize(
    ("language", "weeks", "phrase"),
    [
        ("en", 1, "added 1 week ahead"),
        ("en", 2, "added 2 weeks ahead"),
        ("es", 1, "con 1 semana de anticipación"),
        ("es", 2, "con 2 semanas de anticipación"),
    ],
)
def test_timetable_says_weeks_ahead(client, db, factories, login, language, weeks, phrase):
    settings = db.session.get(GymSettings, 1) or GymSettings(id=1)
    settings.schedule_weeks_ahead = weeks
    db.session.add(settings)
    db.session.commit()
    login(factories.admin(language=language))

    assert phrase in _text(client.get("/admin/timetable"))
