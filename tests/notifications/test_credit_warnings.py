"""Credits about to expire: warned from 09:00 gym time, once per lot at 7
days and once at 1 day, however often the hourly job runs."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.db import transaction
from app.memberships import ledger
from app.memberships.models import CC, LotSource
from app.memberships.services.credit_warnings import warn_expiring_credits
from app.notifications.models import Notification

#: 8:00 and 9:30 in Mexico City (UTC-6)
EARLY = datetime(2026, 12, 1, 14, tzinfo=UTC)
NINE_THIRTY = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


def _warnings(db):
    return db.session.scalars(
        select(Notification.key)
        .where(Notification.event == "credits_expiring")
        .order_by(Notification.id)
    ).all()


def _lot(member, expires_at, credits=2):
    with transaction():
        return ledger.grant(member.id, credits * CC, expires_at, source=LotSource.PURCHASE)


def test_nothing_is_warned_before_nine_in_the_gym(db, factories, clock, app_ctx):
    clock(EARLY)
    _lot(factories.member(), EARLY + timedelta(days=1))

    assert warn_expiring_credits() == 0
    assert _warnings(db) == []


def test_each_lot_is_warned_once_at_seven_days_and_once_at_one_day(
    db, factories, clock, app_ctx, outbox
):
    clock(NINE_THIRTY)
    member = factories.member(language="en")
    week = _lot(member, NINE_THIRTY + timedelta(days=6, hours=10))
    far = _lot(member, NINE_THIRTY + timedelta(days=20))

    for _run in range(3):  # the hourly job, again and again that morning
        warn_expiring_credits()
    clock(NINE_THIRTY + timedelta(days=6))
    for _run in range(2):
        warn_expiring_credits()

    assert far.id != week.id
    assert _warnings(db) == [f"credits-expiring-{week.id}-7", f"credits-expiring-{week.id}-1"]
    subjects = [m.subject for m in outbox if m.recipients == [member.email]]
    assert subjects == ["Cupo Gym: your credits are about to expire"] * 2
