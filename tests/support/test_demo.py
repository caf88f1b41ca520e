"""The demo gym has tickets (one with an internal note) and incidents."""

from sqlalchemy import func, select

from app.support.models import Incident, SupportTicket, TicketReply


def _rows(db, column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_seed_demo_adds_tickets_and_incidents_once(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert _rows(db, SupportTicket.id) == 3 and _rows(db, Incident.id) == 3
    internal = select(func.count()).where(TicketReply.internal.is_(True))
    assert db.session.scalar(internal) == 1
    runner.invoke(args=["seed", "demo"])
    assert _rows(db, SupportTicket.id) == 3 and _rows(db, Incident.id) == 3
