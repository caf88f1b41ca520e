"""Forms of the plan, membership and credit pages, and the labels they show.

Field names match the `field` the services give their errors (`price`,
`credits`, `valid_days`, `plan_id`, `starts_on`, `reason`, `expires_on`), so
`apply_error` puts a refusal under its field.
"""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import (
    ChoiceField,
    DateBounds,
    IdSelectField,
    MoneyField,
    days_from_today,
    strip,
)
from app.core.i18n import gym_today
from app.memberships.models import (
    CC,
    EntryKind,
    MembershipStatus,
    PlanInterval,
    PlanKind,
)
from app.scheduling.forms.fields import LocalDateField, WholeNumberField, enum_value

INTERVAL_LABELS = {
    PlanInterval.MONTH: _l("Monthly"),
    PlanInterval.YEAR: _l("Yearly"),
    PlanInterval.NONE: _l("One-off"),
}
KIND_LABELS = {
    PlanKind.UNLIMITED: _l("Unlimited classes"),
    PlanKind.CREDITS: _l("Credit pack"),
}
STATUS_LABELS = {
    MembershipStatus.ACTIVE: _l("Active"),
    MembershipStatus.PAST_DUE: _l("Past due"),
    MembershipStatus.EXPIRED: _l("Expired"),
    MembershipStatus.CANCELLED: _l("Cancelled"),
}
ENTRY_LABELS = {
    EntryKind.PURCHASE: _l("Purchase"),
    EntryKind.SPEND: _l("Booking"),
    EntryKind.REFUND: _l("Refund"),
    EntryKind.FORFEIT: _l("Forfeited"),
    EntryKind.EXPIRY: _l("Expired"),
    EntryKind.ADJUSTMENT: _l("Adjustment"),
}
#: facilities a plan can include; a stored key not listed here shows as written
FACILITY_LABELS = {
    "sauna": _l("Sauna"),
    "steam_room": _l("Steam room"),
    "pool": _l("Pool"),
    "lockers": _l("Lockers"),
    "towels": _l("Towel service"),
    "parking": _l("Parking"),
}
MAX_PERKS, PERK_MAX_LENGTH = 10, 120
REASON_MAX = 300
LENGTH = _l("Use at most %(max)d characters.")
INVALID_CREDITS = _l("Enter a number of credits such as 1.5 (two decimals at most).")
_CREDITS = re.compile(r"^\s*([+-]?)\s*(\d{1,4})(?:[.,](\d{1,2}))?\s*$")


def parse_credits(text: str | None) -> int | None:
    """Hundredths from "1.5", "-2", "0,25"; None when it is not such a number."""
    match = _CREDITS.match(text or "")
    if not match:
        return None
    sign, whole, part = match.groups()
    amount = int(whole) * CC + int((part or "0").ljust(2, "0"))
    return -amount if sign == "-" else amount


def format_credits_input(amount_cc: int) -> str:
    whole, part = divmod(abs(amount_cc), CC)
    text = str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")
    return f"-{text}" if amount_cc < 0 else text


class CreditsField(StringField):
    """Credits typed as "1.5" (at most two decimals); `.data` is hundredths."""

    raw: str | None = None

    def __init__(self, label=None, validators=None, *, signed: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.signed = signed

    def process_data(self, value):
        self.raw, self.data = None, value

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = parse_credits(self.raw) if self.raw.strip() else None

    def _value(self):
        if self.raw is not None:
            return self.raw
        return format_credits_input(self.data) if self.data is not None else ""

    def pre_validate(self, form):
        if not (self.raw or "").strip():
            return
        if self.data is None:
            raise StopValidation(
                _l("Enter a number of credits such as 1.5 (two decimals at most).")
            )
        if not self.signed and self.data < 0:
            raise StopValidation(_l("Enter a positive number of credits."))


class FacilitiesField(SelectMultipleField):
    """Checkboxes of FACILITY_LABELS; a stored key no longer listed is kept."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choices = list(FACILITY_LABELS.items())

    def process_data(self, value):
        self.data = list(value or [])
        known = {key for key, _label in self.choices}
        self.choices += [(key, key) for key in self.data if key not in known]

    def pre_validate(self, form):
        known = {key for key, _label in self.choices}
        if any(key not in known for key in self.data or []):
            raise ValidationError(str(_l("Choose facilities from the list.")))


class PerksField(TextAreaField):
    """One perk a line; `.data` is the list of non-blank lines."""

    def process_data(self, value):
        self.data = list(value or [])

    def process_formdata(self, valuelist):
        lines = (valuelist[0] if valuelist else "").splitlines()
        self.data = [" ".join(line.split()) for line in lines if line.strip()]

    def _value(self):
        return "\n".join(self.data or [])

    def pre_validate(self, form):
        if len(self.data) > MAX_PERKS:
            raise ValidationError(str(_l("List at most %(max)d perks.", max=MAX_PERKS)))
        if any(len(perk) > PERK_MAX_LENGTH for perk in self.data):
            raise ValidationError(
                str(_l("Keep each perk to at most %(max)d characters.", max=PERK_MAX_LENGTH))
            )


class PlanForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the plan's name.")), Length(max=80, message=LENGTH)],
        filters=[strip],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=2000, message=LENGTH)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    price = MoneyField(_l("Price"), validators=[InputRequired(_l("Enter the price."))])
    kind = ChoiceField(
        _l("Kind"),
        coerce=enum_value,
        choices=lambda: [(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=PlanKind.UNLIMITED.value,
        invalid_message=_l("Choose a kind of plan."),
    )
    interval = ChoiceField(
        _l("Billed"),
        coerce=enum_value,
        choices=lambda: [(i.value, label) for i, label in INTERVAL_LABELS.items()],
        default=PlanInterval.MONTH.value,
        invalid_message=_l("Choose how often the plan is paid."),
    )
    credits = CreditsField(_l("Credits in the pack"), validators=[Optional()])
    valid_days = WholeNumberField(_l("Credits valid for (days)"), validators=[Optional()])
    perks = PerksField(
        _l("Perks"),
        description=_l("One a line, e.g. Free fitness assessment."),
        render_kw={"rows": 3},
    )
    entitlements = FacilitiesField(_l("Facilities included"))
    is_active = BooleanField(_l("On sale (staff can assign it)"), default=True)

    def values(self) -> dict:
        kind = PlanKind(self.kind.data)
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "price_minor": self.price.data,
            "interval": PlanInterval(self.interval.data),
            "kind": kind,
            "credits_cc": self.credits.data if kind is PlanKind.CREDITS else None,
            "valid_days": self.valid_days.data if kind is PlanKind.CREDITS else None,
            "perks": self.perks.data,
            "entitlements": self.entitlements.data,
            "is_active": self.is_active.data,
        }


class GrantForm(FlaskForm):
    """An admin gives a plan or pack free: the reason is required."""

    plan_id = IdSelectField(_l("Plan or pack"), invalid_message=_l("Choose a plan on sale."))
    starts_on = LocalDateField(
        _l("Starts on"), validators=[InputRequired(_l("Enter the first day."))]
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Say why this is given free.")),
            Length(max=REASON_MAX, message=LENGTH),
        ],
        filters=[strip],
        description=_l("For example: prize of the summer challenge. Staff see it."),
        render_kw={"rows": 2},
        id="grant-reason",  # the credit adjustment on the same page has its own `reason`
    )


#: credits added by hand last at most five years (a longer date is a typo)
CREDITS_VALID_DAYS_MAX = 5 * 365


class AdjustForm(FlaskForm):
    credits = CreditsField(
        _l("Credits"),
        signed=True,
        validators=[InputRequired(_l("Enter a number of credits."))],
        description=_l("Positive to add, negative to take away, e.g. 2 or -0.5."),
    )
    expires_on = LocalDateField(
        _l("Added credits valid until"),
        validators=[
            Optional(),
            DateBounds(earliest=gym_today, latest=days_from_today(CREDITS_VALID_DAYS_MAX)),
        ],
        description=_l("Only for credits you add."),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Give a reason for the adjustment.")),
            Length(max=REASON_MAX, message=LENGTH),
        ],
        filters=[strip],
        render_kw={"rows": 2},
    )
