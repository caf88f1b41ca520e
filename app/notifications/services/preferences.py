"""A person's choices: which news reaches them by email and push, and when
to keep quiet."""

from dataclasses import dataclass
from datetime import time

from flask_babel import gettext as _

from app.core import audit
from app.core.db import transaction
from app.core.errors import DomainError
from app.extensions import db
from app.notifications import events
from app.notifications.channels import read_unsubscribe_token
from app.notifications.events import EMAIL, PUSH, Event
from app.notifications.models import NotificationSettings


class PreferenceError(DomainError):
    """A choice the person can correct (no way left to hear about a spot)."""


@dataclass(frozen=True)
class Choice:
    """One cell of the grid: an event on a channel."""

    channel: str
    on: bool
    #: offered at all (no email template: no email column for this event)
    offered: bool
    locked: bool


@dataclass(frozen=True)
class Row:
    event: Event
    choices: tuple[Choice, ...]


def audience_of(user) -> str:
    role = user.role.value
    return {"front_desk": events.ADMIN, "admin": events.ADMIN}.get(role, role)


def settings_of(user_id: int) -> NotificationSettings | None:
    """The person's row, or None when they never chose. Writes nothing."""
    return db.session.get(NotificationSettings, user_id)


def grid(user) -> list[Row]:
    """The preferences page's rows for this person's role. Writes nothing."""
    mine = settings_of(user.id)
    choices = mine.choices if mine else {}
    rows = []
    for event in events.for_audience(audience_of(user)):
        chosen = choices.get(event.name, {})
        cells = tuple(
            Choice(
                channel,
                on=event.is_on(channel, chosen),
                offered=channel in event.channels,
                locked=channel in event.locked,
            )
            for channel in (EMAIL, PUSH)
        )
        rows.append(Row(event, cells))
    return rows


def save(user, wanted: set[tuple[str, str]], quiet_from: time | None, quiet_until: time | None):
    """Keep the person's choices: `wanted` holds the (event, channel) pairs
    ticked; locked channels stay on whatever was sent.

    Raises PreferenceError when an event that must keep a channel (the
    priority-hold offer) would have none, or when only one end of the quiet
    hours is given. Records an audit entry; queues nothing.
    """
    if (quiet_from is None) != (quiet_until is None) or (quiet_from and quiet_from == quiet_until):
        raise PreferenceError(
            _("Give both times of your quiet hours, and make them differ."), field="quiet_from"
        )
    choices = {}
    for event in events.for_audience(audience_of(user)):
        picked = {channel: (event.name, channel) in wanted for channel in event.channels}
        if event.keeps_one and not any(picked.values()):
            raise PreferenceError(
                _(
                    "Keep email or push on for “%(event)s”: the spot is held for you "
                    "only a few minutes.",
                    event=event.label,
                )
            )
        differs = {
            channel: on
            for channel, on in picked.items()
            if channel not in event.locked and on != (channel in event.defaults)
        }
        if differs:
            choices[event.name] = differs
    with transaction():
        row = settings_of(user.id) or NotificationSettings(user_id=user.id)
        row.choices, row.quiet_from, row.quiet_until = choices, quiet_from, quiet_until
        db.session.add(row)
        db.session.flush()
        audit.record(
            "notifications.preferences_saved",
            row,
            actor=user,
            after={
                "choices": choices,
                "quiet_from": quiet_from.isoformat() if quiet_from else None,
                "quiet_until": quiet_until.isoformat() if quiet_until else None,
            },
        )
    return row


def unsubscribe_target(token: str) -> tuple[int, Event] | None:
    """(user id, event) an unsubscribe link is for; None when altered or for
    an email that cannot be turned off. Writes nothing."""
    found = read_unsubscribe_token(token)
    if found is None or found[1] not in events.EVENTS:
        return None
    event = events.event(found[1])
    if EMAIL in event.locked or event.keeps_one or EMAIL not in event.channels:
        return None
    return found[0], event


def unsubscribe(token: str) -> Event:
    """Turn off the email a signed link names (RFC 8058 one-click; no login).

    Raises PreferenceError for an altered link. Records an audit entry;
    queues nothing. Doing it twice changes nothing more.
    """
    target = unsubscribe_target(token)
    if target is None:
        raise PreferenceError(_("This link is not valid. Change your emails from the app."))
    user_id, event = target
    with transaction():
        row = settings_of(user_id) or NotificationSettings(user_id=user_id, choices={})
        choices = {name: dict(cells) for name, cells in (row.choices or {}).items()}
        if not event.is_on(EMAIL, choices.get(event.name, {})):
            return event  # off already: a second click changes nothing
        choices.setdefault(event.name, {})[EMAIL] = False
        row.choices = choices
        db.session.add(row)
        db.session.flush()
        audit.record("notifications.unsubscribed", row, actor=None, after={"event": event.name})
    return event
