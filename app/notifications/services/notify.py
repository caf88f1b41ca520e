"""Notify a person: the in-app row at once, each chosen channel by job.

`notify` is what the `signals.news` receiver calls; domains call
`signals.tell` and never import this module. It only writes rows (the
notification and one outbox job per channel) in the caller's transaction,
so notifying never slows a booking down and a rolled-back change notifies
no one.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import joinedload

from app.core.db import transaction
from app.core.i18n import gym_zone
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.extensions import db
from app.notifications import events
from app.notifications.channels import BY_NAME, InApp
from app.notifications.events import EMAIL, PUSH
from app.notifications.models import Notification, NotificationSettings, PushSubscription

log = logging.getLogger(__name__)


def notify(
    user_id: int,
    event_name: str,
    params: dict | None = None,
    *,
    link: str | None = None,
    key: str | None = None,
    options: dict | None = None,
) -> Notification | None:
    """Tell `user_id` about `event_name` on the channels they chose.

    Writes the notification row and queues `notifications.deliver` once per
    channel, after commit; outside quiet hours (or for urgent news) at once,
    else when they end. Returns None, writing nothing, when `key` was used
    before. Raises KeyError for an event not in the catalogue.
    """
    event = events.event(event_name)
    options = options or {}
    params = params or {}
    if key is not None and db.session.scalar(select(exists().where(Notification.key == key))):
        return None
    choices, quiet_from, quiet_until, has_device = _reach(user_id)
    group = options.get("group")
    email_held = group is not None and _unread_in_group(user_id, group)
    row = InApp.record(user_id, event, params, link, key, group)
    channels = chosen_channels(event, choices, has_device)
    if email_held:
        channels.discard(EMAIL)
    now = utc_now()
    quiet_end = None
    if not event.is_urgent(params):
        quiet_end = quiet_ends(now, quiet_from, quiet_until)
    for channel in sorted(channels):
        terms = {}
        when = quiet_end
        if channel == EMAIL and options.get("email_after"):
            later = now + timedelta(seconds=int(options["email_after"]))
            when = max(when, later) if when else later
            terms["unless_read"] = True
        if options.get("drop_after"):
            terms["drop_after"] = options["drop_after"]
        enqueue_after_commit("notifications.deliver", row.id, channel, terms, run_after=when)
    return row


def _reach(user_id: int):
    """The person's choices, quiet hours and whether a device takes push:
    one statement."""
    mine = NotificationSettings.user_id == user_id

    def setting(column):
        return select(column).where(mine).scalar_subquery()

    device = exists().where(PushSubscription.user_id == user_id)
    found = db.session.execute(
        select(
            setting(NotificationSettings.choices),
            setting(NotificationSettings.quiet_from),
            setting(NotificationSettings.quiet_until),
            device,
        )
    ).one()
    return found[0] or {}, found[1], found[2], bool(found[3])


def _unread_in_group(user_id: int, group: str) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Notification.user_id == user_id,
                    Notification.group == group,
                    Notification.read_at.is_(None),
                )
            )
        )
    )


def chosen_channels(event, choices: dict, has_device: bool) -> set[str]:
    """The channels `event` goes out on for a person with these choices."""
    mine = choices.get(event.name, {})
    chosen = {channel for channel in event.channels if event.is_on(channel, mine)}
    if event.keeps_one and not chosen:
        chosen = {EMAIL}
    if PUSH in chosen and not has_device:
        chosen.discard(PUSH)
        if event.email_instead_of_push and event.email:
            chosen.add(EMAIL)
    return chosen


def quiet_ends(now: datetime, quiet_from, quiet_until) -> datetime | None:
    """When the quiet hours around `now` end (UTC), or None outside them."""
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return None
    zone = gym_zone()
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if quiet_from < quiet_until:
        inside = quiet_from <= clock < quiet_until
    else:  # over midnight: 22:00 → 07:00
        inside = clock >= quiet_from or clock < quiet_until
    if not inside:
        return None
    end_day = local.date()
    if clock >= quiet_until:
        end_day += timedelta(days=1)
    end = datetime.combine(end_day, quiet_until, tzinfo=zone)
    return end.astimezone(now.tzinfo)


def deliver(notification_id: int, channel: str, terms: dict | None = None) -> None:
    """Send one notification on one channel (the `notifications.deliver` job).

    Drops it, sending nothing, when it is past its `drop_after` (a reminder
    for a class that began) or, with `unless_read`, when it was read
    meanwhile. Raises what the channel raises, so the job is retried.
    Queues nothing.
    """
    terms = terms or {}
    row = db.session.get(Notification, notification_id, options=[joinedload(Notification.user)])
    if row is None:
        return
    if terms.get("drop_after") and utc_now() >= datetime.fromisoformat(terms["drop_after"]):
        log.info("notification %s not sent by %s: too late", notification_id, channel)
        return
    if terms.get("unless_read") and row.read_at is not None:
        return
    BY_NAME[channel].deliver(row, events.event(row.event))


def receive_news(event_name: str, *, user_id, params, link, key, options) -> None:
    """The `signals.news` receiver: domains' news becomes a notification."""
    notify(user_id, event_name, params, link=link, key=key, options=options)


def mark_group_read(group: str, *, user_id: int) -> None:
    """The `signals.news_seen` receiver: the person saw what `group` was about."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.group == group,
            Notification.read_at.is_(None),
        )
        .values(read_at=utc_now())
    )


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the person's notifications (or all of them) read; return
    how many changed. Another person's id changes nothing. Queues nothing."""
    with transaction():
        query = update(Notification).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
        if notification_id is not None:
            query = query.where(Notification.id == notification_id)
        return db.session.execute(query.values(read_at=utc_now())).rowcount
