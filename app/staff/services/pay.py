"""Trainers' pay: rates effective from a day, monthly statements drafted,
adjusted and finalised, and the job that drafts last month's on the 1st.

A statement has a line per completed session its trainer taught in the
gym-local month (a covered session's trainer is the substitute, so the
substitute is paid, not the absent trainer), priced at the rate in force on
that day: the override for the class type if any, else the default rate.
"Completed" means published (not cancelled) and ended when the statement is
computed. A draft is recomputed whenever an admin asks (and on finalising);
finalising stores it for good: a session cancelled or a rate changed after
that is corrected by an adjustment on a later month.
"""

from dataclasses import dataclass
from datetime import date, time

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from app.core import audit
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.i18n import gym_settings, gym_today, gym_zone
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.core.permissions import ADMIN, require_role
from app.extensions import db
from app.scheduling.models import ClassType
from app.staff.models import (
    MAX_RATE_MINOR,
    PayAdjustment,
    PayBasis,
    PayLine,
    PayRate,
    PayStatement,
    StatementStatus,
)
from app.staff.queries.pay import (
    month_start,
    previous_month,
    priced_month,
    trainers_who_taught,
)
from app.trainers.models import Trainer

#: the earliest day a rate may start from (the carried-over rates start here)
EARLIEST = date(2000, 1, 1)
#: how far ahead a rate may be set, in days
AHEAD_DAYS = 366
#: an adjustment beyond this (minor units, either sign) is a typing mistake
MAX_ADJUSTMENT_MINOR = 10_000_000
#: the gym-local time on the 1st from which last month's drafts are made
DRAFT_FROM = time(6)


class PayError(DomainError):
    """A pay rule said no; `str(exc)` is shown to the admin."""


def _month_label(month: date) -> str:
    return format_date(month, "MMMM y")


# -- rates -------------------------------------------------------------------


@dataclass(frozen=True)
class RateInput:
    basis: PayBasis | str
    amount_minor: int | None
    effective_from: date | None
    class_type_id: int | None = None


def _checked_rate(trainer_id: int, values: RateInput) -> RateInput:
    try:
        basis = PayBasis(values.basis)
    except ValueError:
        raise PayError(_("Choose per class or per hour."), field="basis") from None
    amount = values.amount_minor
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_RATE_MINOR:
        raise PayError(_("Enter a rate such as 350.00."), field="amount")
    day = values.effective_from
    if not isinstance(day, date) or not EARLIEST <= day <= date.fromordinal(
        gym_today().toordinal() + AHEAD_DAYS
    ):
        raise PayError(_("Enter a date from 2000 to a year from now."), field="effective_from")
    if values.class_type_id is not None and db.session.get(ClassType, values.class_type_id) is None:
        raise PayError(_("Choose a class type from the list."), field="class_type")
    final = db.session.scalar(
        select(func.max(PayStatement.month)).where(
            PayStatement.trainer_id == trainer_id,
            PayStatement.status == StatementStatus.FINAL,
        )
    )
    if final is not None and month_start(day) <= final:
        raise PayError(
            _(
                "Pay for %(month)s is final; choose a date after that month.",
                month=_month_label(final),
            ),
            field="effective_from",
        )
    return RateInput(basis, amount, day, values.class_type_id)


def set_rate(trainer_id: int, values: RateInput, *, actor) -> PayRate:
    """Give the trainer a rate (their default, or an override for one class
    type) from a gym-local day on; a rate of the same kind from the same day
    is replaced. Earlier rates stay, so past months keep their pay.

    Raises AccessDenied unless `actor` is an admin; PayError (with the field)
    for a basis that is neither, an amount out of range, a date before 2000,
    over a year ahead or inside a month already final, or an unknown class
    type. Audited as `pay_rate.set`. Queues nothing.
    """
    require_role(actor, *ADMIN)
    with transaction():
        trainer = db.session.get(Trainer, trainer_id)
        if trainer is None:
            raise PayError(_("This trainer no longer exists."))
        values = _checked_rate(trainer_id, values)
        rate = db.session.scalar(
            select(PayRate).where(
                PayRate.trainer_id == trainer_id,
                PayRate.effective_from == values.effective_from,
                PayRate.class_type_id.is_(None)
                if values.class_type_id is None
                else PayRate.class_type_id == values.class_type_id,
            )
        )
        before = None
        if rate is None:
            rate = PayRate(
                trainer_id=trainer_id,
                class_type_id=values.class_type_id,
                effective_from=values.effective_from,
            )
            db.session.add(rate)
        else:
            before = {"basis": rate.basis.value, "amount_minor": rate.amount_minor}
        rate.basis = values.basis
        rate.amount_minor = values.amount_minor
        rate.currency = gym_settings().currency
        rate.created_by_id = actor.id
        db.session.flush()
        audit.record(
            "pay_rate.set",
            rate,
            actor=actor,
            before=before,
            after={
                "trainer_id": trainer_id,
                "class_type_id": values.class_type_id,
                "basis": values.basis.value,
                "amount_minor": values.amount_minor,
                "effective_from": values.effective_from.isoformat(),
            },
        )
    return rate


# -- statements ----------------------------------------------------------------


def _recompute(statements: list[PayStatement], month: date, now) -> None:
    """Price the month again for these draft statements: lines replaced,
    totals set (a fixed number of queries for any number of statements)."""
    if not statements:
        return
    ids = [s.id for s in statements]
    priced = priced_month([s.trainer_id for s in statements], month, now)
    db.session.execute(delete(PayLine).where(PayLine.statement_id.in_(ids)))
    adjusted = dict(
        db.session.execute(
            select(PayAdjustment.statement_id, func.sum(PayAdjustment.amount_minor))
            .where(PayAdjustment.statement_id.in_(ids))
            .group_by(PayAdjustment.statement_id)
        ).all()
    )
    currency = gym_settings().currency
    rows = [
        {
            "statement_id": statement.id,
            "session_id": p.session_id,
            "starts_at": p.starts_at,
            "class_name": p.class_name,
            "minutes": p.minutes,
            "attended": p.attended,
            "booked": p.booked,
            "basis": p.basis,
            "rate_minor": p.rate_minor,
            "amount_minor": p.amount_minor,
        }
        for statement in statements
        for p in priced[statement.trainer_id]
    ]
    if rows:  # one executemany, whatever the number of lines
        db.session.execute(insert(PayLine), rows)
    for statement in statements:
        lines = priced[statement.trainer_id]
        statement.currency = currency
        statement.sessions = len(lines)
        statement.minutes = sum(p.minutes for p in lines)
        statement.lines_minor = sum(p.amount_minor for p in lines)
        statement.adjustments_minor = int(adjusted.get(statement.id) or 0)
        statement.total_minor = statement.lines_minor + statement.adjustments_minor
        statement.computed_at = now


def _draft(month: date, *, only_missing: bool, actor) -> int:
    """Make the month's missing drafts (trainers who taught) and, unless
    `only_missing`, recompute the existing drafts; returns how many
    statements were made or recomputed. When another run (the job, another
    admin) made one of the same statements meanwhile, the unique constraint
    refuses this transaction and it runs once more, finding them made."""
    try:
        return _draft_once(month, only_missing=only_missing, actor=actor)
    except IntegrityError:
        return _draft_once(month, only_missing=only_missing, actor=actor)


def _draft_once(month: date, *, only_missing: bool, actor) -> int:
    now = utc_now()
    with transaction():
        existing = {
            s.trainer_id: s
            for s in db.session.scalars(select(PayStatement).where(PayStatement.month == month))
        }
        made = []
        for trainer_id in trainers_who_taught(month, now):
            if trainer_id not in existing:
                statement = PayStatement(
                    trainer_id=trainer_id, month=month, currency=gym_settings().currency
                )
                db.session.add(statement)
                made.append(statement)
        db.session.flush()
        todo = made + (
            []
            if only_missing
            else [s for s in existing.values() if s.status is StatementStatus.DRAFT]
        )
        _recompute(todo, month, now)
        if todo:
            audit.record(
                "pay_statements.drafted",
                None,
                entity_type="PayStatement",
                actor=actor,
                after={"month": month.isoformat(), "statements": len(todo)},
            )
    return len(todo)


def _checked_month(month) -> date:
    if not isinstance(month, date) or month.day != 1 or not EARLIEST <= month <= gym_today():
        raise PayError(_("Choose a month that has begun."), field="month")
    return month


def draft_month(month: date, *, actor) -> int:
    """Draft every statement of a gym-local month: a new draft for each
    trainer who taught, existing drafts recomputed, final ones left alone.
    Returns how many were made or recomputed.

    Raises AccessDenied unless `actor` is an admin; PayError for a month
    that has not begun. Audited as `pay_statements.drafted`. Queues nothing.
    """
    require_role(actor, *ADMIN)
    return _draft(_checked_month(month), only_missing=False, actor=actor)


def draft_last_month() -> int:
    """Periodic (hourly): on the 1st, from 06:00 gym time, draft last month's
    statements that do not exist yet, for admins to review. Idempotent: a
    later run that day finds them made and changes nothing. Returns how many
    were made. Raises nothing of its own; queues nothing."""
    now = utc_now().astimezone(gym_zone())
    if now.day != 1 or now.time() < DRAFT_FROM:
        return 0
    return _draft(previous_month(now.date()), only_missing=True, actor=None)


def _locked(statement_id: int) -> PayStatement:
    statement = db.session.scalar(
        select(PayStatement)
        .where(PayStatement.id == statement_id)
        .with_for_update(of=PayStatement)
        .execution_options(populate_existing=True)
    )
    if statement is None:
        raise PayError(_("This statement no longer exists."))
    return statement


def recompute_statement(statement_id: int, *, actor) -> PayStatement:
    """Price a draft statement again from the sessions and rates as they are.

    Raises AccessDenied unless `actor` is an admin; PayError when the
    statement is final. Queues nothing.
    """
    require_role(actor, *ADMIN)
    with transaction():
        statement = _locked(statement_id)
        if statement.is_final:
            raise PayError(_("This statement is final; it is not recomputed."))
        _recompute([statement], statement.month, utc_now())
    return statement


def add_adjustment(statement_id: int, amount_minor, reason: str, *, actor) -> PayAdjustment:
    """Add a correction (plus or minus) with its reason to a draft statement.

    Raises AccessDenied unless `actor` is an admin; PayError (with the
    field) for a zero or absurd amount, a missing or over-long reason, or a
    final statement (corrections then go on a later month). Audited as
    `pay_adjustment.added`. Queues nothing.
    """
    require_role(actor, *ADMIN)
    if (
        isinstance(amount_minor, bool)
        or not isinstance(amount_minor, int)
        or amount_minor == 0
        or abs(amount_minor) > MAX_ADJUSTMENT_MINOR
    ):
        raise PayError(_("Enter an amount such as 150.00 or -150.00, not zero."), field="amount")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise PayError(_("Say why, in at most 200 characters."), field="reason")
    with transaction():
        statement = _locked(statement_id)
        if statement.is_final:
            raise PayError(_("This statement is final; add the correction to a later month."))
        adjustment = PayAdjustment(
            statement_id=statement.id,
            amount_minor=amount_minor,
            reason=reason,
            created_by_id=actor.id,
        )
        db.session.add(adjustment)
        statement.adjustments_minor += amount_minor
        statement.total_minor += amount_minor
        db.session.flush()
        audit.record(
            "pay_adjustment.added",
            adjustment,
            actor=actor,
            after={"statement_id": statement.id, "amount_minor": amount_minor, "reason": reason},
        )
    return adjustment


def finalise_statement(statement_id: int, *, actor) -> bool:
    """Price the draft one last time and freeze it. Returns True when this
    call finalised it, False when it was final already (nothing changes;
    two admins at once: the row lock lets one finalise, the other finds it
    final).

    Raises AccessDenied unless `actor` is an admin; PayError for an unknown
    statement. Audited as `pay_statement.finalised`. Queues
    `staff.send_pay_statement` (the PDF emailed to the trainer) after commit.
    """
    require_role(actor, *ADMIN)
    with transaction():
        statement = _locked(statement_id)
        if statement.is_final:
            return False
        _recompute([statement], statement.month, utc_now())
        statement.status = StatementStatus.FINAL
        statement.finalised_at = utc_now()
        statement.finalised_by_id = actor.id
        audit.record(
            "pay_statement.finalised",
            statement,
            actor=actor,
            after={
                "trainer_id": statement.trainer_id,
                "month": statement.month.isoformat(),
                "total_minor": statement.total_minor,
                "currency": statement.currency,
            },
        )
        enqueue_after_commit("staff.send_pay_statement", statement.id)
    return True
