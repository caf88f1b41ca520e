"""The trainer portal's dashboard: today's classes (the next on top) with
bookings and check-ins, the week by day, this month's earnings so far (an
estimate), recent no-shows, pending leave and classes needing a substitute,
and the calendar feed. Each part is read in a
fixed number of statements."""

from datetime import date, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.attendance.queries import checked_in_counts, trainer_no_shows
from app.core.clock import week_start
from app.core.i18n import gym_today
from app.core.models import utc_now
from app.core.permissions import TRAINERS, roles_required
from app.core.urls import external_url
from app.portals.schedule import REACH, by_day, week_of
from app.scheduling.models import SessionStatus
from app.scheduling.queries import SessionFilters, local_range, sessions_between, with_spots
from app.staff.queries.leave import describe_leave, pending_leave_of, sessions_needing_cover
from app.staff.queries.pay import month_to_date_estimate
from app.trainers.queries import trainer_for_user

bp = Blueprint("trainers", __name__, url_prefix="/trainer")


def _today_first(items: list, now) -> list:
    """Today's classes, those still to come or running first (in start order),
    then the finished ones."""
    return sorted(items, key=lambda item: (item.session.ends_at <= now, item.session.starts_at))


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
    now = utc_now()
    days, todays, checked_in, no_shows, pending, needing_cover = [], [], {}, [], [], []
    earnings = None
    if trainer is not None:
        mine = SessionFilters(trainer_id=trainer.id)
        sessions = sessions_between(*local_range(monday, 7), mine)
        days = by_day(with_spots([s for s in sessions if s.status is not SessionStatus.DRAFT]))
        today_sessions = sessions_between(*local_range(today, 1), mine)
        todays = _today_first(
            with_spots([s for s in today_sessions if s.status is not SessionStatus.DRAFT]), now
        )
        checked_in = checked_in_counts([item.session.id for item in todays])
        no_shows = trainer_no_shows(trainer.id, now)
        pending = pending_leave_of(trainer.id)
        needing_cover = sessions_needing_cover(trainer.id)
        earnings = month_to_date_estimate(trainer.id, today)
    step = timedelta(weeks=1)
    return render_template(
        "portals/trainers/home.html",
        trainer=trainer,
        days=days,
        week=week_of(monday),
        today=today,
        now=now,
        todays=todays,
        checked_in=checked_in,
        no_shows=no_shows,
        pending_leave=pending,
        needing_cover=needing_cover,
        earnings=earnings,
        describe_leave=describe_leave,
        prev_week=monday - step if abs(monday - step - today) <= REACH else None,
        next_week=monday + step if abs(monday + step - today) <= REACH else None,
        feed_url=external_url("ical.trainer_feed", token=trainer.calendar_token)
        if trainer
        else None,
    )
