"""The cancellation policy: what cancelling now costs, told before it happens.

One rule, `cancel_terms`, decides the refund and the strike; the cancel page
reads its `notice()` before the member confirms, the engine applies the same
terms, and the flash afterwards reads their `outcome()`, so the page, the
ledger and the strikes never disagree.
"""

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.booking.models import Booking, Strike
from app.core.i18n import short_datetime
from app.extensions import db
from app.memberships.ledger import format_credits
from app.memberships.models import CC
from app.settings.services import gym_settings

#: strikes older than this no longer count towards a booking block
STRIKE_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class CancelTerms:
    """What cancelling one booking costs: credits back, credits lost, a strike."""

    #: what the booking spent (0 on an unlimited plan)
    credits_cc: int
    refund_cc: int
    strike: bool
    #: the member's strikes in the window once this one counts (0 without a strike)
    strikes: int = 0
    #: the gym's strike limit (0: strikes never block)
    limit: int = 0
    block_days: int = 0
    #: when this strike reaches the limit: booking is blocked until then
    blocked_until: datetime | None = None
    #: free because the class's time or trainer changed since it was booked
    changed: bool = False

    @property
    def lost_cc(self) -> int:
        return self.credits_cc - self.refund_cc

    @property
    def costs_something(self) -> bool:
        return self.strike or self.lost_cc > 0

    def waived(self, refund_cc: int) -> "CancelTerms":
        """Staff chose the refund: these credits back, and no strike."""
        return replace(self, refund_cc=refund_cc, strike=False, strikes=0, blocked_until=None)

    def notice(self) -> str:
        """The sentences the member reads before confirming."""
        changed = _("The class changed since you booked, so cancelling is free.")
        parts = [changed if self.changed else "", self._credits_notice(), self._strike_notice()]
        return " ".join(filter(None, parts))

    def outcome(self) -> str:
        """The sentences the member reads after cancelling."""
        return " ".join(filter(None, [self._credits_outcome(), self._strike_outcome()]))

    def as_result(self) -> dict:
        """A JSON-able dict (stored with an idempotency key), read by `from_result`."""
        values = asdict(self)
        if self.blocked_until is not None:
            values["blocked_until"] = self.blocked_until.isoformat()
        return values

    @classmethod
    def from_result(cls, values: dict) -> "CancelTerms":
        values = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        if values.get("blocked_until"):
            values["blocked_until"] = datetime.fromisoformat(values["blocked_until"])
        return cls(**values)

    def _credits_notice(self) -> str:
        if not self.credits_cc:
            return _("Your plan covers this class: you lose no credits.")
        if not self.lost_cc:
            return ngettext(
                "You get your %(credits)s credit back.",
                "You get all %(credits)s credits back.",
                _plural(self.credits_cc),
                credits=format_credits(self.credits_cc),
            )
        if self.refund_cc:
            return ngettext(
                "You get %(refund)s of your %(credits)s credit back and lose %(lost)s.",
                "You get %(refund)s of your %(credits)s credits back and lose %(lost)s.",
                _plural(self.credits_cc),
                refund=format_credits(self.refund_cc),
                credits=format_credits(self.credits_cc),
                lost=format_credits(self.lost_cc),
            )
        return ngettext(
            "It's too late for a refund: you lose %(credits)s credit.",
            "It's too late for a refund: you lose %(credits)s credits.",
            _plural(self.credits_cc),
            credits=format_credits(self.credits_cc),
        )

    def _credits_outcome(self) -> str:
        if not self.credits_cc:
            return _("Your plan covered it: no credits were used.")
        if not self.lost_cc:
            return ngettext(
                "%(credits)s credit is back in your balance.",
                "%(credits)s credits are back in your balance.",
                _plural(self.refund_cc),
                credits=format_credits(self.refund_cc),
            )
        if self.refund_cc:
            return ngettext(
                "%(refund)s of your %(credits)s credit is back in your balance; you lost %(lost)s.",
                "%(refund)s of your %(credits)s credits are back in your balance; "
                "you lost %(lost)s.",
                _plural(self.credits_cc),
                refund=format_credits(self.refund_cc),
                credits=format_credits(self.credits_cc),
                lost=format_credits(self.lost_cc),
            )
        return ngettext(
            "You lost %(credits)s credit.",
            "You lost %(credits)s credits.",
            _plural(self.credits_cc),
            credits=format_credits(self.credits_cc),
        )

    def _strike_notice(self) -> str:
        if not self.strike:
            return _("It doesn't count as a late cancellation.")
        if not self.limit:
            return _("It counts as a late cancellation.")
        if self.blocked_until is not None:
            return _(
                "It counts as a late cancellation: strike %(num)d of %(limit)d in 30 days, "
                "so you can't book again until %(when)s.",
                num=self.strikes,
                limit=self.limit,
                when=short_datetime(self.blocked_until),
            )
        return " ".join(
            [
                _(
                    "It counts as a late cancellation: strike %(num)d of %(limit)d in 30 days.",
                    num=self.strikes,
                    limit=self.limit,
                ),
                self._block_rule(),
            ]
        )

    def _strike_outcome(self) -> str:
        if not self.strike:
            return ""
        if not self.limit:
            return _("It was recorded as a late cancellation.")
        if self.blocked_until is not None:
            return _(
                "It was recorded as a late cancellation, strike %(num)d of %(limit)d in "
                "30 days: you can book again from %(when)s.",
                num=self.strikes,
                limit=self.limit,
                when=short_datetime(self.blocked_until),
            )
        return " ".join(
            [
                _(
                    "It was recorded as a late cancellation: strike %(num)d of %(limit)d "
                    "in 30 days.",
                    num=self.strikes,
                    limit=self.limit,
                ),
                self._block_rule(),
            ]
        )

    def _block_rule(self) -> str:
        return ngettext(
            "At %(limit)d strikes, booking is blocked for %(num)d day.",
            "At %(limit)d strikes, booking is blocked for %(num)d days.",
            self.block_days,
            limit=self.limit,
        )


def cancel_terms(booking: Booking, now: datetime, *, count_strikes: bool = True) -> CancelTerms:
    """Refund and strike for cancelling `booking` at `now` (tiers from settings).

    At least `full_refund_hours` ahead: everything back. At least
    `partial_refund_hours`: `partial_refund_percent`. Later: nothing, and a
    strike. Unlimited plans lose no credits but a late cancel is a strike.
    With `count_strikes` (one query, only for a strike) the terms also say
    where the strike leaves the member against `strike_limit`; a list of
    bookings (the roster) passes False to keep its query count fixed.
    """
    settings = gym_settings()
    ahead = booking.session.starts_at - now
    changed = booking.free_cancel_until is not None and now < booking.free_cancel_until
    if changed or ahead >= timedelta(hours=settings.full_refund_hours):
        share, strike = 100, False
    elif ahead >= timedelta(hours=settings.partial_refund_hours):
        share, strike = settings.partial_refund_percent, False
    else:
        share, strike = 0, True
    terms = CancelTerms(
        credits_cc=booking.credits_cc,
        refund_cc=booking.credits_cc * share // 100,
        strike=strike,
        limit=settings.strike_limit,
        block_days=settings.strike_block_days,
        changed=changed,
    )
    if not (strike and count_strikes):
        return terms
    strikes = recent_strikes(booking.member_id, now) + 1
    blocked = settings.strike_limit and strikes >= settings.strike_limit
    return replace(
        terms,
        strikes=strikes,
        blocked_until=now + timedelta(days=settings.strike_block_days) if blocked else None,
    )


def recent_strikes(member_id: int, now: datetime) -> int:
    """The member's strikes that count towards a block at `now` (one query)."""
    return db.session.scalar(
        select(func.count(Strike.id)).where(
            Strike.member_id == member_id, Strike.created_at > now - STRIKE_WINDOW
        )
    )


def _plural(amount_cc: int) -> int:
    """ngettext's count: exactly one credit is singular; 1.5 credits is plural."""
    return 1 if amount_cc == CC else 2
