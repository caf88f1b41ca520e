"""The trainer portal: a trainer's week of classes and their calendar feed."""

from datetime import date, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.core.clock import week_start
from app.core.i18n import gym_today
from app.core.models import utc_now
from app.core.permissions import TRAINERS, roles_required
from app.core.urls import external_url
from app.portals.schedule import REACH, by_day, week_of
from app.scheduling.models import SessionStatus
from app.scheduling.queries import SessionFilters, local_range, sessions_between, with_spots
from app.trainers.queries import trainer_for_user

bp = Blueprint("trainers", __name__, url_prefix="/trainer")


def _week_asked(today: date) -> date:
    """The Monday of the week in ?week= (any day of it), else of this week."""
    try:
        day = date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        day = today
    return week_start(day if abs(day - today) <= REACH else today)


@bp.get("/")
@roles_required(*TRAINERS)
def home():
    """My sessions this week (Monday to Sunday, gym time), published or cancelled."""
    today = gym_today()
    monday = _week_asked(today)
    trainer = trainer_for_user(current_user.id)
    days = []
    if trainer is not None:
        sessions = sessions_between(*local_range(monday, 7), SessionFilters(trainer_id=trainer.id))
        days = by_day(with_spots([s for s in sessions if s.status is not SessionStatus.DRAFT]))
    step = timedelta(weeks=1)
    return render_template(
        "portals/trainers/home.html",
        trainer=trainer,
        days=days,
        week=week_of(monday),
        today=today,
        now=utc_now(),
        prev_week=monday - step if abs(monday - step - today) <= REACH else None,
        next_week=monday + step if abs(monday + step - today) <= REACH else None,
        feed_url=external_url("ical.trainer_feed", token=trainer.calendar_token)
        if trainer
        else None,
    )
