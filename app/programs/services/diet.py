"""Diet charts: a trainer writes one for a client, the member reads it.

Writing a chart for a member ends their current one and tells them
(`diet_chart_assigned`); editing it later tells no one. There is no food
logging.
"""

from datetime import time

from flask_babel import gettext as _
from sqlalchemy import update

from app.accounts.models import Role, User
from app.core import audit, signals
from app.core.db import transaction
from app.core.errors import NotYours
from app.core.models import utc_now
from app.core.permissions import get_or_404
from app.extensions import db
from app.programs.models import DietChart, DietMeal
from app.programs.services import ProgramError
from app.programs.services.access import acting_trainer_id, check_client, check_owner
from app.programs.services.prescriptions import text_value, whole_number

MAX_MEALS = 10
MAX_ITEMS = 20
MAX_NOTES = 4000


def _chart_values(name, kcal, protein_g, carbs_g, fat_g, notes) -> dict:
    grams = _("Enter between 0 and 1,000 g.")
    return {
        "name": text_value(name, "name", 120, required=True),
        "kcal": whole_number(kcal, "kcal", 0, 10000, _("Enter between 0 and 10,000 kcal.")),
        "protein_g": whole_number(protein_g, "protein_g", 0, 1000, grams),
        "carbs_g": whole_number(carbs_g, "carbs_g", 0, 1000, grams),
        "fat_g": whole_number(fat_g, "fat_g", 0, 1000, grams),
        "notes": text_value(notes, "notes", MAX_NOTES),
    }


def assign_diet_chart(
    member_id, *, name, kcal, protein_g, carbs_g, fat_g, notes="", actor
) -> DietChart:
    """Write a new diet chart for a client; their current chart ends.

    Raises AccessDenied unless `actor` is a trainer, NotYours for someone not
    their client, ProgramError for bad values. Tells the member
    (`diet_chart_assigned`, email) after commit.
    """
    values = _chart_values(name, kcal, protein_g, carbs_g, fat_g, notes)
    trainer_id = acting_trainer_id(actor)
    if trainer_id is None:
        raise NotYours()
    with transaction():
        member = db.session.get(User, member_id, with_for_update=True)
        if member is None or member.role is not Role.MEMBER or member.is_deleted:
            raise NotYours()
        check_client(trainer_id, member.id, actor)
        db.session.execute(
            update(DietChart)
            .where(DietChart.member_id == member.id, DietChart.ended_at.is_(None))
            .values(ended_at=utc_now())
        )
        chart = DietChart(trainer_id=trainer_id, member_id=member.id, **values)
        db.session.add(chart)
        db.session.flush()
        audit.record(
            "diet_chart.assigned",
            chart,
            actor=actor,
            after={"member_id": member.id, **{k: v for k, v in values.items() if k != "notes"}},
        )
        signals.tell(
            member.id,
            "diet_chart_assigned",
            link="/app/program/diet",
            key=f"diet-chart-assigned-{chart.id}",
            chart_name=chart.name,
            trainer_name=chart.trainer.name,
        )
    return chart


def _locked_chart(chart_id: int, actor) -> DietChart:
    chart = db.session.get(DietChart, chart_id, with_for_update=True, populate_existing=True)
    if chart is None or chart.ended_at is not None:
        raise NotYours()
    check_owner(chart.trainer_id, actor)
    return chart


def update_diet_chart(
    chart_id: int, *, name, kcal, protein_g, carbs_g, fat_g, notes="", actor
) -> DietChart:
    """Change a current chart's targets and notes. Raises NotYours for another
    trainer's or an ended chart, ProgramError for bad values."""
    values = _chart_values(name, kcal, protein_g, carbs_g, fat_g, notes)
    with transaction():
        chart = _locked_chart(chart_id, actor)
        before = {key: getattr(chart, key) for key in values if key != "notes"}
        for key, value in values.items():
            setattr(chart, key, value)
        audit.record(
            "diet_chart.updated",
            chart,
            actor=actor,
            before=before,
            after={k: v for k, v in values.items() if k != "notes"},
        )
    return chart


def parse_items(text) -> list[dict]:
    """One item a line, "Food: quantity" (the quantity optional)."""
    items = []
    for raw in str(text or "").splitlines():
        raw = raw.strip().lstrip("-•*").strip()
        if not raw:
            continue
        food, _sep, quantity = raw.partition(":")
        food, quantity = " ".join(food.split()), " ".join(quantity.split())
        if not food or len(food) > 120 or len(quantity) > 60:
            raise ProgramError(
                _("Write each item as “Food: quantity”, the food up to 120 characters."),
                field="items",
            )
        items.append({"food": food, "quantity": quantity})
    if not items:
        raise ProgramError(_("List at least one item."), field="items")
    if len(items) > MAX_ITEMS:
        raise ProgramError(_("List at most %(max)d items.", max=MAX_ITEMS), field="items")
    return items


def add_meal(chart_id: int, *, name, at=None, items="", actor) -> DietMeal:
    """A meal at the end of a chart. Raises NotYours, or ProgramError for an
    empty name, a time that is not one, no items or too many meals."""
    name = text_value(name, "name", 80, required=True)
    if at is not None and not isinstance(at, time):
        raise ProgramError(_("Enter a time such as 08:30."), field="at")
    items = parse_items(items)
    with transaction():
        chart = _locked_chart(chart_id, actor)
        if len(chart.meals) >= MAX_MEALS:
            raise ProgramError(_("A chart has at most %(max)d meals.", max=MAX_MEALS), field="name")
        meal = DietMeal(chart=chart, position=len(chart.meals) + 1, name=name, at=at, items=items)
        db.session.add(meal)
        db.session.flush()
        audit.record("diet_chart.meal_added", chart, actor=actor, after={"meal": name})
    return meal


def remove_meal(meal_id: int, *, actor) -> None:
    """Remove a meal; those after it move up. Raises NotYours."""
    with transaction():
        meal = get_or_404(DietMeal, meal_id)
        chart = _locked_chart(meal.chart_id, actor)
        chart.meals.remove(meal)
        for position, other in enumerate(chart.meals, start=1):
            other.position = position
        audit.record("diet_chart.meal_removed", chart, actor=actor, before={"meal": meal.name})
