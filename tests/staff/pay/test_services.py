"""Pay statements: lines priced at the rate of their day, overrides, per-hour
rounding, substitutes, adjustments, finalising once, the draft job, and rates
refused with a field error."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from app.core.jobs import OutboxJob
from app.scheduling.models import SessionStatus
from app.staff.models import PayBasis, PayLine, PayRate, PayStatement, StatementStatus
from app.staff.queries.pay import month_to_date_estimate
from app.staff.services import pay
from app.staff.services.pay import PayError, RateInput
from tests.queries import counting_statements
from tests.staff.pay.conftest import NOVEMBER, ZONE

pytestmark = pytest.mark.usefixtures("app_ctx")


def _statement(db, trainer) -> PayStatement:
    return db.session.scalar(
        select(PayStatement)
        .where(PayStatement.trainer_id == trainer.id, PayStatement.month == NOVEMBER)
        .execution_options(populate_existing=True)
    )


def _lines(db, statement) -> list[tuple]:
    rows = db.session.scalars(
        select(PayLine).where(PayLine.statement_id == statement.id).order_by(PayLine.starts_at)
    )
    return [(r.starts_at.astimezone(ZONE).date(), r.rate_minor, r.amount_minor) for r in rows]


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_mid_month_rate_change_prices_each_session_at_the_rate_of_its_day(db, payroll, factories):
    carla = payroll.trainer()
    payroll.rate(carla, 20_000)
    payroll.rate(carla, 30_000, since=date(2026, 11, 16))
    for day in (10, 15, 16, 30):
        payroll.session(carla, date(2026, 11, day))

    assert pay.draft_month(NOVEMBER, actor=factories.admin()) == 1

    statement = _statement(db, carla)
    assert _lines(db, statement) == [
        (date(2026, 11, 10), 20_000, 20_000),
        (date(2026, 11, 15), 20_000, 20_000),
        (date(2026, 11, 16), 30_000, 30_000),
        (date(2026, 11, 30), 30_000, 30_000),
    ]
    assert (statement.sessions, statement.minutes, statement.total_minor) == (4, 240, 100_000)


def test_a_rate_set_later_for_an_earlier_day_never_changes_a_final_month(db, payroll, factories):
    admin = factories.admin()
    carla = payroll.trainer()
    payroll.rate(carla, 20_000)
    payroll.session(carla, date(2026, 11, 10))
    pay.draft_month(NOVEMBER, actor=admin)
    pay.finalise_statement(_statement(db, carla).id, actor=admin)

    with pytest.raises(PayError) as refused:
        pay.set_rate(
            carla.id, RateInput(PayBasis.PER_CLASS, 99_000, date(2026, 11, 20)), actor=admin
        )

    assert refused.value.field == "effective_from"
    assert str(refused.value) == "Pay for November 2026 is final; choose a date after that month."
    assert _statement(db, carla).total_minor == 20_000


def test_a_class_type_override_wins_over_the_default_rate(db, payroll, factories):
    carla = payroll.trainer()
    spin, yoga = payroll.class_type("Spin"), payroll.class_type("Yoga")
    payroll.rate(carla, 20_000)
    payroll.rate(carla, 50_000, basis=PayBasis.PER_HOUR, class_type=spin, since=date(2026, 11, 5))
    payroll.session(carla, date(2026, 11, 3), class_type=spin)  # before the override
    payroll.session(carla, date(2026, 11, 6), class_type=spin, minutes=90)
    payroll.session(carla, date(2026, 11, 7), class_type=yoga)

    pay.draft_month(NOVEMBER, actor=factories.admin())

    assert _lines(db, _statement(db, carla)) == [
        (date(2026, 11, 3), 20_000, 20_000),
        (date(2026, 11, 6), 50_000, 75_000),
        (date(2026, 11, 7), 20_000, 20_000),
    ]


@pytest.mark.parametrize(
    ("rate", "minutes", "amount"),
    [
        (10_000, 50, 8_333),  # 8,333.33 → down
        (10_001, 45, 7_501),  # 7,500.75 → up
        (1, 30, 1),  # exactly half a centavo → up
        (35_000, 60, 35_000),
    ],
)
def test_per_hour_pay_is_rate_times_minutes_over_60_rounded_half_up(
    db, payroll, factories, rate, minutes, amount
):
    carla = payroll.trainer()
    payroll.rate(carla, rate, basis=PayBasis.PER_HOUR)
    payroll.session(carla, date(2026, 11, 10), minutes=minutes)

    pay.draft_month(NOVEMBER, actor=factories.admin())

    assert _lines(db, _statement(db, carla)) == [(date(2026, 11, 10), rate, amount)]


def test_the_substitute_is_paid_for_a_covered_session_and_the_absent_trainer_is_not(
    db, payroll, factories
):
    carla, diego = payroll.trainer(), payroll.trainer()
    payroll.rate(carla, 20_000)
    payroll.rate(diego, 25_000)
    payroll.session(carla, date(2026, 11, 9))
    covered = payroll.session(carla, date(2026, 11, 11))
    covered.trainer_id = diego.id  # the cover plan puts the substitute on the session
    db.session.commit()

    pay.draft_month(NOVEMBER, actor=factories.admin())

    assert _lines(db, _statement(db, carla)) == [(date(2026, 11, 9), 20_000, 20_000)]
    assert _lines(db, _statement(db, diego)) == [(date(2026, 11, 11), 25_000, 25_000)]


def test_cancelled_and_unfinished_sessions_are_not_paid(db, payroll, factories, clock):
    carla = payroll.trainer()
    payroll.rate(carla, 20_000)
    payroll.session(carla, date(2026, 11, 9), status=SessionStatus.CANCELLED)
    payroll.session(carla, date(2026, 11, 10))
    clock(datetime(2026, 11, 20, 15, 30, tzinfo=ZONE))
    payroll.session(carla, date(2026, 11, 20), at=time(15))  # still running

    pay.draft_month(NOVEMBER, actor=factories.admin())

    assert _lines(db, _statement(db, carla)) == [(date(2026, 11, 10), 20_000, 20_000)]


def test_lines_count_who_booked_and_who_came(db, payroll, factories):
    carla = payroll.trainer()
    cs = payroll.session(carla, date(2026, 11, 10))
    payroll.bookings(cs, booked=5, attended=3)

    pay.draft_month(NOVEMBER, actor=factories.admin())

    [line] = db.session.scalars(select(PayLine)).all()
    assert (line.booked, line.attended, line.amount_minor) == (5, 3, 0)  # no rate: zero


def test_adjustments_add_and_take_off_with_their_reasons(db, payroll, factories):
    admin = factories.admin()
    carla = payroll.trainer()
    payroll.rate(carla, 20_000)
    payroll.session(carla, date(2026, 11, 10))
    pay.draft_month(NOVEMBER, actor=admin)
    statement = _statement(db, carla)

    pay.add_adjustment(statement.id, 15_000, "Covered the front desk", actor=admin)
    pay.add_adjustment(statement.id, -5_000, "Uniform", actor=admin)
    pay.recompute_statement(statement.id, actor=admin)

    statement = _statement(db, carla)
    assert (statement.lines_minor, statement.adjustments_minor, statement.total_minor) == (
        20_000,
        10_000,
        30_000,
    )


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [(0, "Zero", "amount"), (True, "Bool", "amount"), (10**9, "Huge", "amount"),
     (100, "", "reason"), (100, "x" * 201, "reason")],
)  # fmt: skip
def test_adjustments_refuse_bad_amounts_and_reasons(db, payroll, factories, amount, reason, field):
    admin = factories.admin()
    carla = payroll.trainer()
    payroll.session(carla, date(2026, 11, 10))
    pay.draft_month(NOVEMBER, actor=admin)

    with pytest.raises(PayError) as refused:
        pay.add_adjustment(_statement(db, carla).id, amount, reason, actor=admin)

    assert refused.value.field == field
    assert _statement(db, carla).adjustments_minor == 0


def test_finalising_twice_changes_nothing_the_second_time(db, payroll, factories):
    admin = factories.admin()
    carla = payroll.trainer()
    payroll.rate(carla, 20_000)
    cs = payroll.session(carla, date(2026, 11, 10))
    pay.draft_month(NOVEMBER, actor=admin)
    statement_id = _statement(db, carla).id

    assert pay.finalise_statement(statement_id, actor=admin) is True
    cs.status, cs.cancelled_at = SessionStatus.CANCELLED, cs.starts_at  # cancelled afterwards
    db.session.commit()
    assert pay.finalise_statement(statement_id, actor=admin) is False

    statement = _statement(db, carla)
    assert statement.status is StatementStatus.FINAL
    assert _lines(db, statement) == [(date(2026, 11, 10), 20_000, 20_000)]  # frozen
    assert _count(db, AuditEntry, AuditEntry.action == "pay_statement.finalised") == 1
    assert _count(db, OutboxJob, OutboxJob.name == "staff.send_pay_statement") == 1
    assert pay.draft_month(NOVEMBER, actor=admin) == 0  # finals are left alone
    with pytest.raises(PayError, match="final; it is not recomputed"):
        pay.recompute_statement(statement_id, actor=admin)
    with pytest.raises(PayError, match="add the correction to a later month"):
        pay.add_adjustment(statement_id, 100, "Late", actor=admin)


def test_only_admins_run_pay(db, payroll, factories):
    carla = payroll.trainer()
    with pytest.raises(AccessDenied):
        pay.draft_month(NOVEMBER, actor=carla.user)
    with pytest.raises(AccessDenied):
        pay.set_rate(
            carla.id, RateInput("per_class", 1, date(2026, 12, 1)), actor=factories.front_desk()
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (RateInput("weekly", 100, date(2026, 12, 1)), "basis"),
        (RateInput("per_class", -1, date(2026, 12, 1)), "amount"),
        (RateInput("per_class", 10**8, date(2026, 12, 1)), "amount"),
        (RateInput("per_class", None, date(2026, 12, 1)), "amount"),
        (RateInput("per_class", 100, date(1999, 12, 31)), "effective_from"),
        (RateInput("per_class", 100, date(2028, 1, 1)), "effective_from"),
        (RateInput("per_class", 100, None), "effective_from"),
        (RateInput("per_class", 100, date(2026, 12, 1), class_type_id=987_654), "class_type"),
    ],
)
def test_set_rate_refuses_bad_values_with_a_field_error_and_writes_nothing(
    db, payroll, factories, values, field
):
    carla = payroll.trainer()
    with pytest.raises(PayError) as refused:
        pay.set_rate(carla.id, values, actor=factories.admin())
    assert refused.value.field == field
    assert _count(db, PayRate) == 0


def test_set_rate_on_the_same_day_replaces_it_and_is_audited(db, payroll, factories):
    admin = factories.admin()
    carla = payroll.trainer()
    pay.set_rate(carla.id, RateInput("per_class", 100, date(2026, 12, 1)), actor=admin)
    pay.set_rate(carla.id, RateInput("per_hour", 200, date(2026, 12, 1)), actor=admin)

    [rate] = db.session.scalars(select(PayRate)).all()
    assert (rate.basis, rate.amount_minor, rate.currency) == (PayBasis.PER_HOUR, 200, "MXN")
    assert _count(db, AuditEntry, AuditEntry.action == "pay_rate.set") == 2


def test_the_draft_job_acts_on_the_first_from_six_and_only_once(db, payroll, clock):
    carla = payroll.trainer()
    payroll.rate(carla, 20_000)
    payroll.session(carla, date(2026, 11, 10))

    clock(datetime(2026, 12, 1, 5, 59, tzinfo=ZONE))
    assert pay.draft_last_month() == 0
    clock(datetime(2026, 12, 2, 7, tzinfo=ZONE))
    assert pay.draft_last_month() == 0
    clock(datetime(2026, 12, 1, 6, 5, tzinfo=ZONE))
    assert pay.draft_last_month() == 1
    assert pay.draft_last_month() == 0
    clock(datetime(2026, 12, 1, 7, 5, tzinfo=ZONE))
    assert pay.draft_last_month() == 0

    assert _count(db, PayStatement) == 1
    assert _statement(db, carla).status is StatementStatus.DRAFT


def test_month_to_date_estimate_counts_completed_sessions_in_bounded_queries(db, payroll, clock):
    carla = payroll.trainer()
    payroll.rate(carla, 60_000, basis=PayBasis.PER_HOUR)
    clock(datetime(2026, 12, 10, 12, tzinfo=ZONE))
    payroll.session(carla, date(2026, 11, 30))  # last month
    payroll.session(carla, date(2026, 12, 2), minutes=45)
    payroll.session(carla, date(2026, 12, 10), at=time(11, 30), minutes=60)  # still running
    payroll.session(carla, date(2026, 12, 11))  # tomorrow

    with counting_statements(db.engine) as few:
        estimate = month_to_date_estimate(carla.id, date(2026, 12, 10))
    for day in range(3, 10):
        payroll.session(carla, date(2026, 12, day))
    with counting_statements(db.engine) as many:
        month_to_date_estimate(carla.id, date(2026, 12, 10))

    assert (estimate.sessions, estimate.minutes, estimate.amount_minor, estimate.currency) == (
        1,
        45,
        45_000,
        "MXN",
    )
    assert len(many) <= len(few) <= 4  # the gym settings are read once, then cached


def test_drafting_a_month_that_has_not_begun_is_refused(db, payroll, factories):
    with pytest.raises(PayError) as refused:
        pay.draft_month(date(2027, 1, 1), actor=factories.admin())
    assert refused.value.field == "month"
    assert _count(db, PayStatement) == 0


def test_a_month_of_no_sessions_drafts_nothing(db, payroll, factories):
    payroll.trainer()
    assert pay.draft_month(NOVEMBER, actor=factories.admin()) == 0


def test_the_schedule_runs_the_draft_job_hourly(app):
    from pathlib import Path

    import fakeredis
    from rq.cron import CronScheduler

    schedule = Path(__file__).resolve().parents[3] / "jobs" / "schedule.py"
    scheduler = CronScheduler(connection=fakeredis.FakeRedis())
    scheduler.load_config_from_file(str(schedule))
    jobs = {job.func_name: job for job in scheduler.get_jobs()}
    assert jobs["jobs.runner.draft_pay_statements"].cron == "25 * * * *"


def test_the_draft_job_entry_point_drafts_in_the_app(db, payroll, clock):
    from jobs import runner

    carla = payroll.trainer()
    payroll.session(carla, date(2026, 11, 10))
    clock(datetime(2026, 12, 1, 6, 30, tzinfo=ZONE))

    runner.draft_pay_statements()

    assert _statement(db, carla).sessions == 1
