"""What a person can be told: each event's words, channels and urgency.

A domain names an event when it calls `signals.tell`; this catalogue says
who it is for, what the notification centre shows (made when shown, in the
reader's language, from the stored parameters), which email template it
sends, which channels are on by default, which the person may not turn off
(and why), and how urgent it is (urgent news ignores quiet hours).
"""

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from app.core.i18n import local_date, short_datetime
from app.core.models import utc_now

EMAIL, PUSH = "email", "push"
CHANNELS = (EMAIL, PUSH)

MEMBER, TRAINER, ADMIN = "member", "trainer", "admin"

#: a change to a class this close to its start is urgent
URGENT_WITHIN = timedelta(hours=12)


@dataclass(frozen=True)
class Event:
    name: str
    #: the preferences grid's row
    label: object
    #: the notification centre's line; %(name)s from the parameters, plus
    #: `when` (the class's start in the gym's time zone) and `old_when` (its earlier start)
    title: object
    audiences: frozenset
    #: the email template (templates/emails/<email>.{txt,html}); None: no email
    email: str | None = None
    #: channels on when the person chose nothing
    defaults: frozenset = frozenset({EMAIL, PUSH})
    #: channels the person cannot turn off, with the reason shown
    locked: frozenset = frozenset()
    locked_reason: object = None
    #: at least one of email and push stays on (the priority-hold offer)
    keeps_one: bool = False
    #: "always", "never" or "soon" (the class starts within URGENT_WITHIN)
    urgency: str = "never"
    #: how long a push service keeps trying to deliver, in seconds
    push_ttl: int = 24 * 3600
    #: with no device for push, send the email instead
    email_instead_of_push: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def channels(self) -> tuple[str, ...]:
        return CHANNELS if self.email else (PUSH,)

    def is_on(self, channel: str, mine: dict) -> bool:
        """Whether `channel` is on for a person whose choices for this event
        are `mine` ({channel: bool}): locked, else their choice, else the default."""
        return channel in self.locked or mine.get(channel, channel in self.defaults)

    def is_urgent(self, params: dict) -> bool:
        if self.urgency == "always":
            return True
        if self.urgency == "soon" and params.get("starts_at"):
            starts = datetime.fromisoformat(params["starts_at"])
            return starts - utc_now() <= URGENT_WITHIN
        return False

    def describe(self, params: dict) -> str:
        """The centre's line for these parameters, in the current language."""
        values = dict(params)
        dates = (
            ("starts_at", "when"),
            ("previous_starts_at", "old_when"),
            ("expires_at", "expires"),
        )
        for key, name in dates:
            if params.get(key):
                values[name] = short_datetime(datetime.fromisoformat(params[key]))
        for key in ("first_day", "last_day"):  # ISO days, as a person reads them
            with suppress(KeyError, TypeError, ValueError):
                values[key] = local_date(date.fromisoformat(params[key]))
        with suppress(KeyError, TypeError, ValueError):  # "2026-11": "November 2026"
            values["month"] = format_date(date.fromisoformat(f"{params['month']}-01"), "LLLL y")
        try:
            return str(self.title) % values
        except (KeyError, TypeError, ValueError):
            return str(self.label)


_RECEIPT = _l("Receipts and invoices are always emailed: they are your tax records.")

EVENTS = {
    event.name: event
    for event in (
        Event(
            "booking_confirmed",
            _l("Booking confirmed"),
            _l("You're booked for %(class_name)s, %(when)s."),
            frozenset({MEMBER}),
            email="booking_confirmed",
            defaults=frozenset({EMAIL}),
        ),
        Event(
            "booking_cancelled",
            _l("Booking cancelled"),
            _l("Your booking for %(class_name)s, %(when)s, is cancelled."),
            frozenset({MEMBER}),
            email="booking_cancelled",
            defaults=frozenset({EMAIL}),
        ),
        Event(
            "waitlist_offer",
            _l("A spot opens for you (waitlist)"),
            _l("A spot opened in %(class_name)s, %(when)s: it is held for you."),
            frozenset({MEMBER}),
            email="waitlist_offer",
            keeps_one=True,
            urgency="always",
            push_ttl=300,
        ),
        Event(
            "session_cancelled",
            _l("A class you booked is cancelled"),
            _l("%(class_name)s, %(when)s, is cancelled."),
            frozenset({MEMBER}),
            email="session_cancelled",
            urgency="soon",
            push_ttl=3600,
        ),
        Event(
            "session_rescheduled",
            _l("A class you booked is moved"),
            _l("%(class_name)s moved from %(old_when)s to %(when)s."),
            frozenset({MEMBER}),
            email="session_rescheduled",
            urgency="soon",
            push_ttl=3600,
        ),
        Event(
            "session_changed",
            _l("A class you booked changes trainer or room"),
            _l("%(class_name)s, %(when)s, changed: %(change)s."),
            frozenset({MEMBER}),
            email="session_changed",
            urgency="soon",
            push_ttl=3600,
        ),
        Event(
            "reminder_24h",
            _l("Reminder the day before a class"),
            _l("Reminder: %(class_name)s, %(when)s."),
            frozenset({MEMBER}),
            email="reminder_24h",
            defaults=frozenset({EMAIL}),
        ),
        Event(
            "reminder_1h",
            _l("Reminder an hour before a class"),
            _l("%(class_name)s starts soon: %(when)s."),
            frozenset({MEMBER}),
            email="reminder_1h",
            defaults=frozenset({PUSH}),
            push_ttl=3600,
            email_instead_of_push=True,
        ),
        Event(
            "credits_expiring",
            _l("Credits about to expire"),
            _l("%(credits)s of your credits expire on %(expires)s."),
            frozenset({MEMBER}),
            email="credits_expiring",
        ),
        Event(
            "trainer_session_changed",
            _l("Changes to your classes"),
            _l("Your class %(class_name)s, %(when)s, changed: %(change)s."),
            frozenset({TRAINER}),
            email="trainer_session_changed",
            urgency="soon",
            push_ttl=3600,
        ),
        Event(
            "invoice_issued",
            _l("Receipts"),
            _l("Your receipt %(label)s is ready."),
            frozenset({MEMBER}),
            email="invoice_issued",
            defaults=frozenset({EMAIL}),
            locked=frozenset({EMAIL}),
            locked_reason=_RECEIPT,
        ),
        Event(
            "credit_note_issued",
            _l("Credit notes"),
            _l("Your credit note %(label)s is ready."),
            frozenset({MEMBER}),
            email="credit_note_issued",
            defaults=frozenset({EMAIL}),
            locked=frozenset({EMAIL}),
            locked_reason=_RECEIPT,
        ),
        Event(
            "membership_past_due",
            _l("Membership due for renewal"),
            _l("Your membership %(plan_name)s is due for renewal."),
            frozenset({MEMBER}),
            email="membership_past_due",
        ),
        Event(
            "membership_expired",
            _l("Membership expired"),
            _l("Your membership %(plan_name)s has expired."),
            frozenset({MEMBER}),
            email="membership_expired",
        ),
        Event(
            "message_received",
            _l("New messages"),
            _l("%(sender)s wrote to you."),
            frozenset({MEMBER, TRAINER}),
            email="message_received",
            push_ttl=3600,
        ),
        Event(
            "ticket_replied",
            _l("Answers to your tickets"),
            _l("The gym answered your ticket “%(ticket_subject)s”."),
            frozenset({MEMBER}),
            email="ticket_replied",
            defaults=frozenset({EMAIL}),
        ),
        Event(
            "program_assigned",
            _l("Workout programs"),
            _l("%(trainer_name)s gave you a workout program: %(program_name)s."),
            frozenset({MEMBER}),
            email="program_assigned",
        ),
        Event(
            "diet_chart_assigned",
            _l("Diet charts"),
            _l("%(trainer_name)s wrote you a diet chart: %(chart_name)s."),
            frozenset({MEMBER}),
            email="diet_chart_assigned",
        ),
        Event(
            "leave_decided",
            _l("Decisions on your leave requests"),
            _l("An admin decided on your leave request (%(first_day)s to %(last_day)s)."),
            frozenset({TRAINER}),
            email="leave_decided",
            defaults=frozenset({EMAIL}),
        ),
        Event(
            "cover_offered",
            _l("Classes offered to you as a substitute"),
            _l("%(class_name)s, %(when)s, needs a substitute: it is yours if you take it first."),
            frozenset({TRAINER}),
            email="cover_offered",
        ),
        Event(
            "uncovered_sessions",
            _l("Classes without a trainer (daily, 07:00)"),
            _l("%(count)s classes in the next 72 hours need a substitute."),
            frozenset({ADMIN}),
            email="uncovered_sessions",
        ),
        Event(
            "pay_statement_ready",
            _l("Pay statements"),
            _l("Your pay statement for %(month)s is ready."),
            frozenset({TRAINER}),
            email="pay_statement_ready",
            defaults=frozenset({EMAIL}),
        ),
        Event(
            "message_reported",
            _l("Reported messages"),
            _l("%(reporter)s reported a message."),
            frozenset({ADMIN}),
            email="message_reported",
            defaults=frozenset({EMAIL}),
        ),
        Event(
            "lead_received",
            _l("New leads"),
            _l("%(lead)s asked to join."),
            frozenset({ADMIN}),
            email="lead_received",
            defaults=frozenset({EMAIL}),
        ),
    )
}


def event(name: str) -> Event:
    """The catalogue's event `name`; raises KeyError for an unknown one."""
    return EVENTS[name]


def for_audience(audience: str) -> list[Event]:
    return [e for e in EVENTS.values() if audience in e.audiences]
