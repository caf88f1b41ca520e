"""Where domains plug into each other: named signals, and nothing else.

A domain that needs to hear from (or ask) another sends one of these; the
other connects its receivers in its own `init_app(app)`, which `create_app`
calls in one block. A domain never fills another's registry by being
imported. Receivers of the "asking" signals return a value; the sender
combines what `send` returns.
"""

from blinker import Namespace

_cupo = Namespace()

#: sent with a list of class session ids; each receiver returns
#: {session_id: spots taken} (booking: confirmed bookings plus live holds)
spots_taken = _cupo.signal("spots-taken")

#: sent with a ClassSession; each receiver returns the users who hold a spot,
#: a booking or a waitlist place on it, so a change reaches them
people_on_session = _cupo.signal("people-on-session")

#: sent with a ClassSession; each receiver returns {user id: details}: what
#: each person has on it (booking: `spot` "booked", "held" or "waiting"; for
#: a booking its `booking_id` and calendar `ics_sequence`), added to the
#: notice a change to the class sends that person
places_on_session = _cupo.signal("places-on-session")

#: sent with a ClassSession and `change` ("cancelled", "rescheduled" (new
#: times), "trainer_changed", "room_changed", "capacity_raised") inside the
#: transaction that changes it (refunds, waitlist clean-up, free cancels)
session_changed = _cupo.signal("session-changed")

#: sent with a set of trainer ids, `start` and `end` (UTC); each receiver
#: returns [(trainer id, starts_at, ends_at, description)]: the times those
#: trainers are away (staff: approved leave) overlapping [start, end), so
#: scheduling refuses to put them in a class then (`description` names the
#: absence in the current language)
trainers_away = _cupo.signal("trainers-away")

#: sent with a booking id; a receiver returns True when the member arrived
#: (attendance: a check-in), which rules out a no-show
booking_attended = _cupo.signal("booking-attended")

#: sent with an email's template name as sender and its stored `context`;
#: the receiver for that template returns (more context, inline images as
#: [(content id, filename, mimetype, bytes[, "attachment"])]), made at render
#: time so nothing large or secret waits in the database
email_extras = _cupo.signal("email-extras")


def answers(signal, sender, **kwargs):
    """What the receivers of `signal` answered for `sender`, skipping None."""
    return [value for _receiver, value in signal.send(sender, **kwargs) if value is not None]


#: sent by the ledger's own audit (`memberships.ledger.check_ledger`); each
#: receiver returns the breaches it finds in what it keeps beside the ledger
#: (booking: every booking that spent credits has exactly one spend entry)
ledger_audited = _cupo.signal("ledger-audited")

#: sent with a set of booking ids; a receiver returns
#: {booking id: (class name, starts at)}, so the credit history can say
#: which class a spend, refund or forfeit was for
bookings_described = _cupo.signal("bookings-described")

#: sent when a domain has news for a person: the sender is the event's name
#: ("booking_confirmed", "message_received", ...; the catalogue is
#: `app.notifications.events`), with `user_id`, `params` (JSON-able values
#: the text and email are made from), `link` (where opening it goes), `key`
#: (optional: a second news with the same key is dropped) and `options`
#: (optional delivery hints: `urgent` (ignores quiet hours), `drop_after`
#: (an ISO instant after which nothing is sent), `group` (items of one
#: thread; while one is unread no further email goes out for the group) and
#: `email_after` (seconds; the email waits that long and is dropped if the
#: item was read meanwhile)). The
#: notifications domain records it and its deliveries in the caller's
#: transaction; nothing is sent before that transaction commits.
news = _cupo.signal("news")


def tell(
    user_id: int,
    event: str,
    *,
    link: str | None = None,
    key: str | None = None,
    options: dict | None = None,
    **params,
) -> None:
    """Tell person `user_id` about `event`: the one way a domain notifies.

    Writes (through the receiver) in the current transaction; queues the
    deliveries after commit. With no receiver connected it does nothing.
    """
    news.send(event, user_id=user_id, params=params, link=link, key=key, options=options or {})


#: sent with `user_id` and `group` when a person has seen what a group of
#: their notifications was about (a message thread they opened): the
#: notifications domain marks that group's items read
news_seen = _cupo.signal("news-seen")


def seen(user_id: int, group: str) -> None:
    """Mark person `user_id`'s notifications of `group` read (in this transaction)."""
    news_seen.send(group, user_id=user_id)
