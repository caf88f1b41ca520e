"""What the trainers of a class are told when it changes or is cancelled.

The change is written in each trainer's own language (it is part of the
stored notice: "moved from Tue 1 Dec, 7:00 PM; room: Studio A → Studio B"),
since the people in the class hear through their own events.
"""

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from app.core import signals
from app.core.i18n import language_of, short_datetime
from app.core.urls import app_path
from app.scheduling.models import ClassSession

EVENT = "trainer_session_changed"


def _in_language(user, describe, *args, **kwargs) -> str:
    with force_locale(language_of(user)):
        return describe(*args, **kwargs)


def _cancelled() -> str:
    return _("it is cancelled")


def _what_changed(cs: ClassSession, before: dict, *, old_trainer, for_old: bool) -> str:
    parts = []
    if for_old:
        parts.append(_("%(trainer)s teaches it now", trainer=cs.trainer.name))
    elif old_trainer.id != cs.trainer.id:
        parts.append(_("you teach it now, instead of %(trainer)s", trainer=old_trainer.name))
    previous = datetime.fromisoformat(before["previous_starts_at"])
    if previous != cs.starts_at:
        parts.append(
            _(
                "moved from %(before)s to %(after)s",
                before=short_datetime(previous),
                after=short_datetime(cs.starts_at),
            )
        )
    if before["previous_room"] != cs.room.name:
        parts.append(
            _("room: %(before)s → %(after)s", before=before["previous_room"], after=cs.room.name)
        )
    return "; ".join(parts)


def tell_trainers(cs: ClassSession, old_trainer, before: dict | None, reason: str) -> None:
    """Tell the class's trainer (and, after a change of trainer, the one it
    had) what changed; `before` None: the class is cancelled. Writes through
    `signals.tell` in the caller's transaction; delivered after commit."""
    context = {"class_name": cs.class_type.name, "starts_at": cs.starts_at.isoformat()}
    link = app_path("trainers.home")
    trainer = cs.trainer.user
    if before is None:
        change = _in_language(trainer, _cancelled)
        signals.tell(trainer.id, EVENT, link=link, **context, change=change, reason=reason)
        return
    told = [(trainer, False)]
    if old_trainer.id != cs.trainer.id:
        told.append((old_trainer.user, True))
    for user, for_old in told:
        change = _in_language(
            user, _what_changed, cs, before, old_trainer=old_trainer, for_old=for_old
        )
        if change:
            signals.tell(user.id, EVENT, link=link, **context, change=change, reason=reason)
