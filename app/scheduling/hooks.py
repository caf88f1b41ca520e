"""Where later domains plug into scheduling without scheduling knowing them.

The booking domain registers, at import time:
- a spot counter: `count(session_ids) -> {session_id: spots taken}` (bookings
  plus live holds), read by every "spots left" figure and by the rule that
  a recurring edit leaves sessions with people in them alone;
- a people finder: `find(class_session) -> [User]` who hold, booked or wait
  for a spot, so a cancellation or reschedule reaches them;
- a change handler: `handle(class_session, change)` run inside the same
  transaction as a cancellation or reschedule (refunds, waitlist clean-up).
With none registered (no bookings exist yet) every session is empty.
"""

from collections import Counter
from collections.abc import Callable, Iterable

spot_counters: list[Callable[[list[int]], dict[int, int]]] = []
people_finders: list[Callable] = []
change_handlers: list[Callable] = []


def spots_taken(session_ids: Iterable[int]) -> dict[int, int]:
    """Spots taken per session id, summed over every registered counter."""
    ids = list(session_ids)
    total: Counter = Counter()
    if ids:
        for count in spot_counters:
            total.update(count(ids))
    return {session_id: total.get(session_id, 0) for session_id in ids}


def people_on(class_session) -> list:
    """Everyone with a hold, booking or waitlist place on the session, once each."""
    seen, people = set(), []
    for find in people_finders:
        for user in find(class_session):
            if user.id not in seen:
                seen.add(user.id)
                people.append(user)
    return people


def run_change_handlers(class_session, change: str) -> None:
    for handle in change_handlers:
        handle(class_session, change)
