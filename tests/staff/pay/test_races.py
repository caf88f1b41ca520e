"""Two admins finalising one statement at once: one finalises, the other
finds it final; one audit entry, one email job (invariant 5)."""

import threading
import traceback
from datetime import date

from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import AuditEntry
from app.core.jobs import OutboxJob
from app.extensions import db
from app.staff.models import PayStatement, StatementStatus
from app.staff.services import pay
from tests.factories import Factories
from tests.staff.pay.conftest import NOVEMBER, NOW, Payroll


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_admins_finalising_at_once_finalise_once(race, clock):
    clock(NOW)
    with race.context():
        factories = Factories(db)
        payroll = Payroll(db, factories)
        carla = payroll.trainer()
        payroll.rate(carla, 20_000)
        for day in (3, 10, 17):
            payroll.session(carla, date(2026, 11, day))
        admin_ids = [factories.admin().id, factories.admin().id]
        pay.draft_month(NOVEMBER, actor=db.session.get(User, admin_ids[0]))
        statement_id = db.session.scalar(select(PayStatement.id))
        db.session.commit()

    barrier = threading.Barrier(len(admin_ids))
    outcomes = [None] * len(admin_ids)

    def finalise(index, admin_id):
        with race.context():
            try:
                admin = db.session.get(User, admin_id)
                db.session.commit()
                barrier.wait(timeout=30)
                outcomes[index] = pay.finalise_statement(statement_id, actor=admin)
            except Exception:
                outcomes[index] = traceback.format_exc()

    threads = [
        threading.Thread(target=finalise, args=(i, a), daemon=True) for i, a in enumerate(admin_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes, key=str) == [False, True], outcomes
    with race.context():
        statement = db.session.get(PayStatement, statement_id)
        assert (statement.status, statement.total_minor) == (StatementStatus.FINAL, 60_000)
        assert _count(AuditEntry, AuditEntry.action == "pay_statement.finalised") == 1
        assert _count(OutboxJob, OutboxJob.name == "staff.send_pay_statement") == 1


def test_the_draft_job_and_an_admin_drafting_at_once_make_one_statement(race, clock):
    clock(NOW)
    with race.context():
        factories = Factories(db)
        payroll = Payroll(db, factories)
        carla = payroll.trainer()
        payroll.rate(carla, 20_000)
        payroll.session(carla, date(2026, 11, 10))
        admin_id = factories.admin().id
        db.session.commit()

    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def draft(index):
        with race.context():
            try:
                admin = db.session.get(User, admin_id)
                db.session.commit()
                barrier.wait(timeout=30)
                outcomes[index] = pay.draft_month(NOVEMBER, actor=admin)
            except Exception:
                outcomes[index] = traceback.format_exc()

    threads = [threading.Thread(target=draft, args=(i,), daemon=True) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == [1, 1], outcomes  # one made it, the other recomputed it
    with race.context():
        assert _count(PayStatement) == 1
        assert db.session.scalar(select(PayStatement.total_minor)) == 20_000
