import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.settings.models import GymSettings
from app.settings.services import SettingsError, update_settings
from tests.conftest import post_form

VALID = {
    "gym_name": "Cupo Polanco",
    "legal_name": "Cupo Polanco S.A. de C.V.",
    "address": "Masaryk 100, CDMX",
    "timezone": "Europe/Madrid",
    "currency": "EUR",
    "default_language": "en",
    "tax_rate": "21",
    "booking_opens_hours": "72",
    "booking_closes_minutes": "15",
    "schedule_weeks_ahead": "6",
    "hold_minutes": "8",
    "priority_hold_minutes": "4",
    "full_refund_hours": "48",
    "partial_refund_hours": "6",
    "partial_refund_percent": "25",
    "strike_limit": "3",
    "strike_block_days": "14",
    "checkin_opens_minutes": "45",
    "late_grace_minutes": "5",
    "tax_id": "cpo010101ab1",
    "prices_include_tax": "y",
    "invoice_series": "B",
    "credit_note_series": "NCB",
    "renewal_grace_days": "3",
    "theme_colour": "#206bc4",
}


def test_settings_default_to_mexico_city_pesos_and_spanish(db):
    from app.settings.services import gym_settings

    settings = gym_settings()
    assert (settings.timezone, settings.currency, settings.default_language) == (
        "America/Mexico_City",
        "MXN",
        "es",
    )


def test_admin_saves_settings_and_the_change_is_audited(client, db, factories, login):
    admin = factories.admin()
    login(admin)
    response = post_form(client, "/admin/settings/", VALID)
    assert response.status_code == 302
    saved = db.session.get(GymSettings, 1)
    assert (saved.gym_name, saved.timezone, saved.currency, saved.tax_rate_bp) == (
        "Cupo Polanco",
        "Europe/Madrid",
        "EUR",
        2100,
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "settings.updated"))
    assert entry.actor_id == admin.id
    assert entry.before["currency"] == "MXN" and entry.after["currency"] == "EUR"


def test_settings_form_shows_field_errors_and_saves_nothing(client, db, factories, login):
    login(factories.admin())
    bad = dict(VALID, gym_name="", tax_rate="150", timezone="Mars/Base", currency="XXXX")
    response = post_form(client, "/admin/settings/", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the gym&#39;s name." in html or "Enter the gym's name." in html
    assert "Enter a rate between 0 and 100." in html
    assert "Not a valid choice" in html
    assert db.session.get(GymSettings, 1) is None
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_settings_reject_a_too_long_name(client, db, factories, login):
    login(factories.admin())
    response = post_form(client, "/admin/settings/", dict(VALID, gym_name="x" * 121))
    assert "Use at most 120 characters." in response.get_data(as_text=True)


def test_front_desk_cannot_open_settings(client, factories, login):
    login(factories.front_desk())
    assert client.get("/admin/settings/").status_code == 403


def test_booking_rules_are_saved(client, db, factories, login):
    login(factories.admin())
    post_form(client, "/admin/settings/", VALID)
    saved = db.session.get(GymSettings, 1)
    assert (saved.hold_minutes, saved.full_refund_hours, saved.partial_refund_percent) == (
        8,
        48,
        25,
    )
    assert (saved.strike_limit, saved.strike_block_days, saved.schedule_weeks_ahead) == (3, 14, 6)
    assert (saved.checkin_opens_minutes, saved.late_grace_minutes) == (45, 5)
    assert (saved.tax_id, saved.prices_include_tax, saved.invoice_series) == (
        "CPO010101AB1",
        True,
        "B",
    )
    assert (saved.credit_note_series, saved.renewal_grace_days) == ("NCB", 3)


def test_partial_refund_cannot_start_before_the_full_refund(client, db, factories, login):
    login(factories.admin())
    bad = dict(VALID, full_refund_hours="10", partial_refund_hours="12", hold_minutes="0")
    html = post_form(client, "/admin/settings/", bad).get_data(as_text=True)
    assert "Enter a number from 1 to 60." in html
    fixed = dict(bad, hold_minutes="10")
    html = post_form(client, "/admin/settings/", fixed).get_data(as_text=True)
    assert "The partial refund must start later than the full refund." in html
    assert db.session.get(GymSettings, 1) is None


def test_overlapping_bookings_are_allowed_until_the_admin_unticks_it(client, db, factories, login):
    from app.settings.services import gym_settings

    assert gym_settings().allow_overlapping_bookings is True
    login(factories.admin())

    post_form(client, "/admin/settings/", VALID)
    unticked = db.session.get(GymSettings, 1, populate_existing=True).allow_overlapping_bookings
    post_form(client, "/admin/settings/", {**VALID, "allow_overlapping_bookings": "y"})
    ticked = db.session.get(GymSettings, 1, populate_existing=True).allow_overlapping_bookings

    assert (unticked, ticked) == (False, True)
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert 'name="allow_overlapping_bookings"' in page and "checked" in page


def test_the_theme_colour_is_saved_in_lower_case_and_audited(client, db, factories, login):
    admin = factories.admin()
    login(admin)

    response = post_form(client, "/admin/settings/", dict(VALID, theme_colour=" #C0FFEE "))

    assert response.status_code == 302
    assert db.session.get(GymSettings, 1).theme_colour == "#c0ffee"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "settings.updated"))
    assert (entry.before["theme_colour"], entry.after["theme_colour"]) == ("#206bc4", "#c0ffee")
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert 'type="color"' in page and 'value="#c0ffee"' in page


@pytest.mark.parametrize(
    "colour",
    ["", "206bc4", "#206bc", "#206bc4f", "#abc", "#gggggg", "blue", "rgb(0,0,0)", "#20 6bc4"],
)
def test_a_theme_colour_that_is_not_rrggbb_is_refused_and_nothing_saved(
    client, db, factories, login, colour
):
    login(factories.admin())

    response = post_form(client, "/admin/settings/", dict(VALID, theme_colour=colour))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="theme_colour-error"' in html
    assert db.session.get(GymSettings, 1) is None
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_the_service_refuses_a_colour_the_form_did_not_check(db, factories):
    admin = factories.admin()

    with pytest.raises(SettingsError) as refused:
        update_settings({"theme_colour": "red"}, actor=admin)

    assert refused.value.field == "theme_colour"
    assert db.session.get(GymSettings, 1) is None


def test_a_spanish_admin_reads_the_colour_error_in_spanish(client, db, factories, login):
    login(factories.admin(language="es"))

    html = post_form(client, "/admin/settings/", dict(VALID, theme_colour="azul")).get_data(
        as_text=True
    )

    assert "Color del tema" in html
    assert "Usa un color escrito como #1a2b3c." in html


def test_self_check_in_is_on_until_the_admin_unticks_it(client, db, factories, login):
    from app.settings.services import gym_settings

    assert gym_settings().self_checkin_enabled is True
    login(factories.admin())

    post_form(client, "/admin/settings/", VALID)
    unticked = db.session.get(GymSettings, 1, populate_existing=True).self_checkin_enabled
    post_form(client, "/admin/settings/", {**VALID, "self_checkin_enabled": "y"})
    ticked = db.session.get(GymSettings, 1, populate_existing=True).self_checkin_enabled

    assert (unticked, ticked) == (False, True)
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert 'name="self_checkin_enabled"' in page
