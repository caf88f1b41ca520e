"""The pay pages: who may open them, rate and adjustment forms refused with
field errors, and the same number of queries whatever the data size."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.staff.models import PayAdjustment, PayRate, PayStatement
from app.staff.services import pay
from tests.conftest import post_form
from tests.queries import counting_statements
from tests.staff.pay.conftest import NOVEMBER


@pytest.fixture
def admin(factories):
    return factories.admin()


def _drafted(payroll, admin, trainers=1, sessions=1, app=None):
    made = []
    for _ in range(trainers):
        trainer = payroll.trainer()
        payroll.rate(trainer, 20_000)
        for day in range(sessions):
            cs = payroll.session(trainer, date(2026, 11, 2 + day % 27))
            payroll.bookings(cs, booked=1, attended=1)
        made.append(trainer)
    with app.test_request_context():
        pay.draft_month(NOVEMBER, actor=admin)
    return made


def _statement_of(db, trainer):
    return db.session.scalar(select(PayStatement).where(PayStatement.trainer_id == trainer.id))


def test_a_trainer_sees_only_their_final_statements_and_another_ones_pdf_is_404(
    app, db, client, login, payroll, admin
):
    carla, diego = _drafted(payroll, admin, trainers=2, app=app)
    mine, theirs = _statement_of(db, carla), _statement_of(db, diego)
    with app.test_request_context():
        pay.finalise_statement(theirs.id, actor=admin)
    login(carla.user)

    page = client.get("/trainer/pay")
    assert page.status_code == 200
    assert "No statements yet" in page.get_data(as_text=True)  # her draft is not shown
    assert client.get(f"/trainer/pay/{mine.id}.pdf").status_code == 404  # a draft
    assert client.get(f"/trainer/pay/{theirs.id}.pdf").status_code == 404  # not hers
    assert client.get("/trainer/pay/999999.pdf").status_code == 404


def test_a_trainer_downloads_their_final_statement(app, db, client, login, payroll, admin):
    pytest.importorskip("weasyprint")
    (carla,) = _drafted(payroll, admin, app=app)
    statement = _statement_of(db, carla)
    with app.test_request_context():
        pay.finalise_statement(statement.id, actor=admin)
    login(carla.user)

    text = client.get("/trainer/pay").get_data(as_text=True)
    assert "November 2026" in text
    response = client.get(f"/trainer/pay/{statement.id}.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")


@pytest.mark.parametrize("role", ["front_desk", "member", "trainer"])
def test_admin_pay_pages_refuse_everyone_but_admins(
    app, db, client, login, payroll, admin, factories, role
):
    (carla,) = _drafted(payroll, admin, app=app)
    statement = _statement_of(db, carla)
    login(getattr(factories, role)())
    for path in (
        "/admin/staff/pay/",
        f"/admin/staff/pay/statements/{statement.id}",
        f"/admin/staff/pay/statements/{statement.id}/pdf",
        f"/admin/staff/pay/trainers/{carla.id}/rates",
        "/admin/staff/pay/export.csv?month=2026-11",
    ):
        assert client.get(path).status_code == 403, path


def test_desk_and_member_are_refused_the_trainer_pay_page(client, login, factories):
    for user in (factories.front_desk(), factories.member()):
        login(user)
        assert client.get("/trainer/pay").status_code == 403


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "Enter an amount such as 350.00."),
        ({"amount": "9999999"}, "amount", "Enter an amount such as 350.00."),
        ({"amount": ""}, "amount", "Enter a rate such as 350.00."),
        ({"basis": "weekly"}, "basis", "Choose per class or per hour."),
        ({"class_type": "987654"}, "class_type", "Choose a class type from the list."),
        ({"class_type": "abc"}, "class_type", "Choose a class type from the list."),
        ({"effective_from": "2026-13-40"}, "effective_from", "Enter a date."),
        ({"effective_from": "1999-12-31"}, "effective_from",
         "Enter a date between the years 2000 and 2099."),
        ({"effective_from": "2031-01-01"}, "effective_from",
         "Enter a date from 2000 to a year from now."),
    ],
)  # fmt: skip
def test_the_rate_form_shows_field_errors_and_saves_nothing(
    db, client, login, payroll, admin, data, field, message
):
    carla = payroll.trainer()
    login(admin)
    form = {"basis": "per_class", "amount": "350.00", "effective_from": "2026-12-01", **data}

    response = post_form(client, f"/admin/staff/pay/trainers/{carla.id}/rates", form)

    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'id="{field}-error"' in text
    assert message in text
    assert db.session.scalar(select(func.count()).select_from(PayRate)) == 0


def test_the_rate_form_saves_an_override(db, client, login, payroll, admin):
    carla, spin = payroll.trainer(), payroll.class_type("Spin")
    login(admin)
    form = {"basis": "per_hour", "amount": "450.50", "effective_from": "2026-12-01",
            "class_type": str(spin.id)}  # fmt: skip

    response = post_form(client, f"/admin/staff/pay/trainers/{carla.id}/rates", form)

    assert response.status_code == 302
    rate = db.session.scalar(select(PayRate))
    assert (rate.class_type_id, rate.amount_minor, rate.basis.value) == (
        spin.id,
        45_050,
        "per_hour",
    )
    assert "Spin" in client.get(f"/admin/staff/pay/trainers/{carla.id}/rates").get_data(
        as_text=True
    )


def test_the_adjustment_form_takes_a_minus_and_refuses_a_bad_amount(
    app, db, client, login, payroll, admin
):
    (carla,) = _drafted(payroll, admin, app=app)
    statement = _statement_of(db, carla)
    login(admin)
    path = f"/admin/staff/pay/statements/{statement.id}/adjustments"

    refused = post_form(client, path, {"amount": "abc", "reason": "Oops"})
    assert refused.status_code == 422
    assert "Enter an amount such as 150.00 or -150.00, not zero." in refused.get_data(as_text=True)
    assert post_form(client, path, {"amount": "-150.00", "reason": "Uniform"}).status_code == 302

    [adjustment] = db.session.scalars(select(PayAdjustment)).all()
    assert (adjustment.amount_minor, adjustment.reason) == (-15_000, "Uniform")
    page = client.get(f"/admin/staff/pay/statements/{statement.id}").get_data(as_text=True)
    assert "Adjustment: Uniform" in page


def test_finalising_from_the_page_twice_says_it_was_final(app, db, client, login, payroll, admin):
    (carla,) = _drafted(payroll, admin, app=app)
    statement = _statement_of(db, carla)
    login(admin)
    path = f"/admin/staff/pay/statements/{statement.id}/finalise"

    post_form(client, path, {}, token_from=f"/admin/staff/pay/statements/{statement.id}")
    again = post_form(client, path, {}, token_from=f"/admin/staff/pay/statements/{statement.id}",
                      follow_redirects=True)  # fmt: skip

    assert "This statement was already final." in again.get_data(as_text=True)


def test_a_bad_month_in_the_export_is_404_and_in_the_list_falls_back(client, login, admin):
    login(admin)
    assert client.get("/admin/staff/pay/export.csv?month=2026-13").status_code == 404
    assert client.get("/admin/staff/pay/export.xlsx?month=3000-01").status_code == 404
    assert client.get("/admin/staff/pay/?month=nonsense").status_code == 200


def _queries(app, client, path) -> int:
    from app.extensions import db

    with app.app_context(), counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))])


def test_the_statement_and_month_pages_run_the_same_queries_at_any_size(
    app, db, client, login, payroll, admin
):
    (small,) = _drafted(payroll, admin, trainers=1, sessions=1, app=app)
    small_statement = _statement_of(db, small)
    login(admin)
    few = (
        _queries(app, client, f"/admin/staff/pay/statements/{small_statement.id}"),
        _queries(app, client, "/admin/staff/pay/?month=2026-11"),
        _queries(app, client, f"/admin/staff/pay/trainers/{small.id}/rates"),
    )
    big = _drafted(payroll, admin, trainers=6, sessions=12, app=app)
    many = (
        _queries(app, client, f"/admin/staff/pay/statements/{_statement_of(db, big[0]).id}"),
        _queries(app, client, "/admin/staff/pay/?month=2026-11"),
        _queries(app, client, f"/admin/staff/pay/trainers/{big[0].id}/rates"),
    )
    assert few == many


def test_the_trainer_pay_page_runs_the_same_queries_at_any_size(
    app, db, client, login, payroll, admin
):
    (carla,) = _drafted(payroll, admin, sessions=1, app=app)
    login(carla.user)
    few = _queries(app, client, "/trainer/pay")
    for day in range(1, 5):
        payroll.session(carla, date(2026, 12, day))
    assert _queries(app, client, "/trainer/pay") == few
