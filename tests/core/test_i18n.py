from datetime import UTC, datetime

from flask_babel import force_locale

from app.core.i18n import local_datetime, money


def test_money_is_formatted_for_the_locale(app, db):
    with app.test_request_context():
        with force_locale("en"):
            assert money(123456, "MXN") == "MX$1,234.56"
        with force_locale("es"):
            assert money(123456, "MXN") == "$1,234.56"  # as Mexico writes it
            assert money(123456, "EUR").replace("\xa0", "") == "EUR1,234.56"


def test_datetimes_are_shown_in_the_gym_time_zone(app, db):
    noon_utc = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    with app.test_request_context(), force_locale("en"):
        assert "6:00" in local_datetime(noon_utc, "short")  # Mexico City is UTC-6
