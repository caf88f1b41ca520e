"""The cancellation policy: what cancelling now costs, told before it happens."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from app.booking.models import Booking
from app.memberships.ledger import format_credits
from app.memberships.models import CC
from app.settings.services import gym_settings


@dataclass
class CancelTerms:
    refund_cc: int
    strike: bool
    #: the sentence the member reads before confirming
    message: str


def cancel_terms(booking: Booking, now: datetime) -> CancelTerms:
    """Refund and strike for cancelling `booking` at `now` (tiers from settings).

    At least `full_refund_hours` ahead: everything back. At least
    `partial_refund_hours`: `partial_refund_percent`. Later: nothing, and a
    strike. Unlimited plans lose no credits but a late cancel is a strike.
    """
    settings = gym_settings()
    ahead = booking.session.starts_at - now
    if ahead >= timedelta(hours=settings.full_refund_hours):
        share, strike = 100, False
    elif ahead >= timedelta(hours=settings.partial_refund_hours):
        share, strike = settings.partial_refund_percent, False
    else:
        share, strike = 0, True
    refund = booking.credits_cc * share // 100
    if not booking.credits_cc:
        message = (
            _("Cancelling this late counts as a late cancellation.")
            if strike
            else _("You can cancel free of charge.")
        )
    elif refund == booking.credits_cc:
        message = ngettext(
            "You get your %(credits)s credit back.",
            "You get all %(credits)s credits back.",
            _plural(booking.credits_cc),
            credits=format_credits(booking.credits_cc),
        )
    elif refund:
        message = ngettext(
            "You get %(refund)s of your %(credits)s credit back.",
            "You get %(refund)s of %(credits)s credits back.",
            _plural(booking.credits_cc),
            refund=format_credits(refund),
            credits=format_credits(booking.credits_cc),
        )
    else:
        message = ngettext(
            "It's too late for a refund: you lose %(credits)s credit and it counts "
            "as a late cancellation.",
            "It's too late for a refund: you lose %(credits)s credits and it counts "
            "as a late cancellation.",
            _plural(booking.credits_cc),
            credits=format_credits(booking.credits_cc),
        )
    return CancelTerms(refund, strike, message)


def _plural(amount_cc: int) -> int:
    """ngettext's count: exactly one credit is singular; 1.5 credits is plural."""
    return 1 if amount_cc == CC else 2
