"""One clock per language: English 12-hour ("7:00 PM"), Spanish 24-hour ("19:00")."""

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from flask_babel import force_locale

from app.core.i18n import local_datetime, local_time, short_datetime
from tests.scheduling import admin_support
from tests.scheduling.admin_support import add_session, local

MACHINE_ATTRIBUTES = r'(datetime|value|data-[\w-]+|href|id|aria-labelledby)="[^"]*"'
TEMPLATES = Path(__file__).parents[2] / "templates"
#: 19:00 in Mexico City (UTC-6)
EVENING = datetime(2026, 12, 3, 1, tzinfo=UTC)

now = admin_support.now


@pytest.mark.parametrize(
    ("language", "shown_clock", "wrong"), [("en", "7:00\u202fPM", "19:00"), ("es", "19:00", "PM")]
)
def test_every_helper_uses_the_languages_clock(app_ctx, language, shown_clock, wrong):
    with force_locale(language):
        shown = [
            local_time(EVENING),
            short_datetime(EVENING),
            local_datetime(EVENING, "short"),
            local_datetime(EVENING, "medium"),
            local_datetime(EVENING, "class_year"),
        ]
    for text in shown:
        assert shown_clock in text and wrong not in text, text
        assert ":00:00" not in text  # no seconds


def test_no_template_formats_times_itself():
    offenders = []
    for path in TEMPLATES.rglob("*.*"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            visible = re.sub(MACHINE_ATTRIBUTES, "", line)
            visible = re.sub(r"url_for\([^)]*\)|{%-? set [^%]*%}", "", visible)  # machine values
            if re.search(r"strftime\(|isoformat\(\)|HH:mm|%H:%M|\|time\('", visible):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert offenders == []


@pytest.mark.parametrize(("language", "shown_clock"), [("en", "6:00\u202fPM"), ("es", "18:00")])
def test_a_staff_page_shows_the_time_in_the_users_clock(
    client, db, factories, login, schedule, now, language, shown_clock
):
    trainer = schedule.trainer(name="Carla")
    room = schedule.room(name="Studio A", capacity=20)
    spin = schedule.class_type(name="Spin", default_trainer_id=trainer.id, default_room_id=room.id)
    cs = add_session(db, spin, trainer, room, local(date(2026, 12, 3), time(18)))
    login(factories.admin(language=language))
    page = client.get(f"/admin/sessions/{cs.id}").get_data(as_text=True)
    assert shown_clock in page
    assert ("18:00" if language == "en" else "6:00\u202fPM") not in page
