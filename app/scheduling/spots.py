"""What scheduling asks the domains that fill its classes.

Scheduling never imports booking: it sends the signals of `app.core.signals`
and booking answers them (connected in `app.booking.init_app`). With no
receiver connected every session is empty and has nobody on it.
"""

from collections import Counter
from collections.abc import Iterable

from app.core import signals


def spots_taken(session_ids: Iterable[int]) -> dict[int, int]:
    """Spots taken per session id, summed over what every receiver counts."""
    ids = list(session_ids)
    total: Counter = Counter()
    if ids:
        for counts in signals.answers(signals.spots_taken, ids):
            total.update(counts)
    return {session_id: total.get(session_id, 0) for session_id in ids}


def people_on(class_session) -> list:
    """Everyone with a hold, booking or waitlist place on the session, once each."""
    seen, people = set(), []
    for found in signals.answers(signals.people_on_session, class_session):
        for user in found:
            if user.id not in seen:
                seen.add(user.id)
                people.append(user)
    return people


def places_on(class_session) -> dict[int, dict]:
    """{user id: what that person has on the session}, merged over every receiver."""
    places: dict[int, dict] = {}
    for found in signals.answers(signals.places_on_session, class_session):
        for user_id, details in found.items():
            places.setdefault(user_id, {}).update(details)
    return places


def announce_change(class_session, change: str) -> None:
    """Tell the receivers, inside the caller's transaction, that the class changed.

    Writes nothing itself; the receivers may write and queue jobs.
    """
    signals.session_changed.send(class_session, change=change)
