"""The schedule's session cards, each rendered once per process and state.

When a popular class opens, members reload the same week over and over, and
rendering three dozen cards was most of that page's time. A card is a pure
function of its key: the session's row as the timetable read it (times,
status, capacity, type, room, trainer, spots taken), the spots left, its
state at this instant, the audience and heading level, the language, time
zone and hold length its words and times depend on, and the member's own
state in that class (booked, can book, full, not open yet, closed, not
eligible). A booking, a cancellation, a hold, an edit or the clock moving
a class on changes the key, so a cached card is never staler than a fresh
one would be; nothing here needs sharing between processes.

What must differ per page is not in the cache: each Book, Hold or Join the
waitlist button gets a fresh idempotency key when the page is put together
(the cached markup holds a placeholder), and cards whose forms carry the
member's CSRF token (a hold, a waitlist place) are rendered every time.
"""

from flask import current_app, request
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from app.core.idempotency.forms import new_idempotency_key

TEMPLATE = "portals/schedule/_session_card.html"
#: cards kept per process; when full the cache starts afresh (cheap, and safe
#: under threads: no eviction order to keep)
MAX_CARDS = 2048
#: their forms carry the member's own CSRF token
UNCACHED = frozenset({"held", "waitlisted"})
_PLACEHOLDER = "\x00idempotency-key\x00"


def session_card(item, *, now, audience: str, level: int, labels: dict, mstate=None) -> Markup:
    """One session card, from the cache when its key has been rendered before."""
    cs = item.session
    context = {"item": item, "now": now, "audience": audience, "level": level, "labels": labels}
    if audience == "member":
        context["member_states"] = {cs.id: mstate} if mstate else {}
    kind = mstate.state.value if mstate else None
    if kind in UNCACHED:
        return Markup(_render(context))
    key = (
        cs.row,
        item.spots_left,
        cs.state_at(now),
        audience,
        level,
        labels["hold"],
        str(get_locale()),
        str(get_timezone()),
        request.script_root,
        _member_part(mstate),
    )
    cards = _cards()
    parts = cards.get(key)
    if parts is None:
        parts = _render({**context, "idempotency_key": lambda: _PLACEHOLDER}).split(_PLACEHOLDER)
        if len(cards) >= MAX_CARDS:
            cards.clear()
        cards[key] = parts
    return Markup(_with_fresh_keys(parts))


def clear_cards() -> None:
    _cards().clear()


def _cards() -> dict[tuple, list[str]]:
    """This app's cards (one process may hold several apps: the tests)."""
    return current_app.extensions.setdefault("schedule_cards", {})


def _member_part(mstate) -> tuple | None:
    """What the card shows of the member's own state (and the page it links back to)."""
    if mstate is None:
        return None
    booking_id = mstate.booking.id if mstate.booking is not None else None
    return (
        mstate.state.value,
        booking_id,
        mstate.opens_at,
        mstate.credits_needed,
        request.full_path,
    )


def _render(context: dict) -> str:
    return current_app.jinja_env.get_template(TEMPLATE).render(context)


def _with_fresh_keys(parts: list[str]) -> str:
    pieces = [parts[0]]
    for part in parts[1:]:
        pieces += (new_idempotency_key(), part)
    return "".join(pieces)
