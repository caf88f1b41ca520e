"""Billing's forms: the desk's till (record a payment, refund it, filter the
list, count the cash drawer, choose how far ahead renewals are listed), the
shop's buy button, the sandbox's card form, the webhook events' retry button
and a member's billing details."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.billing.models import ItemKind, PaymentMethod, PaymentStatus
from app.billing.services.payments import MAX_PRICE_MINOR, Sale
from app.billing.services.profiles import FIELDS, FISCAL_REGIMES, INVOICE_USES
from app.booking.forms import StaffBookForm
from app.core.errors import DomainError
from app.core.forms import (
    ChoiceField,
    DateBounds,
    IdField,
    IdSelectField,
    MoneyField,
    apply_error,
    days_from_today,
    strip,
)
from app.core.i18n import gym_today
from app.scheduling.forms.fields import LocalDateField, WholeNumberField

METHOD_LABELS = {
    PaymentMethod.CASH: _l("Cash"),
    PaymentMethod.CARD: _l("Card terminal"),
    PaymentMethod.TRANSFER: _l("Bank transfer"),
    PaymentMethod.ONLINE: _l("Online"),
}
KIND_LABELS = {
    ItemKind.PLAN: _l("Membership plan"),
    ItemKind.PACK: _l("Class pack"),
    ItemKind.DROP_IN: _l("Drop-in class"),
    ItemKind.OTHER: _l("Other"),
}
STATUS_LABELS = {
    PaymentStatus.PAID: _l("Paid"),
    PaymentStatus.REFUNDED: _l("Refunded"),
    PaymentStatus.VOIDED: _l("Voided"),
}
#: what the desk takes by hand; online payments come from the gateway
DESK_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.TRANSFER)
#: renewals listed this many days ahead: the default and the limits
RENEWAL_DAYS, RENEWAL_DAYS_MAX = 7, 60


def _choices(labels: dict, members) -> list[tuple[str, str]]:
    return [(item.value, labels[item]) for item in members]


class PaymentForm(StaffBookForm):
    """Who pays, how, and for what; `member` comes from the staff booking form."""

    idempotency_key = HiddenField(validators=[Optional(), Length(max=64)])
    method = ChoiceField(
        _l("Payment method"),
        choices=lambda: _choices(METHOD_LABELS, DESK_METHODS),
        default=PaymentMethod.CASH.value,
        invalid_message=_l("Choose how they pay."),
    )
    kind = ChoiceField(
        _l("What is sold"),
        choices=lambda: _choices(KIND_LABELS, ItemKind),
        default=ItemKind.PLAN.value,
        invalid_message=_l("Choose what is sold."),
    )
    plan_id = IdSelectField(
        _l("Plan"), blank_label=_l("Choose a plan"), invalid_message=_l("Choose a plan.")
    )
    pack_id = IdSelectField(
        _l("Class pack"),
        blank_label=_l("Choose a class pack"),
        invalid_message=_l("Choose a class pack."),
    )
    session_id = IdSelectField(
        _l("Class"), blank_label=_l("Choose a class"), invalid_message=_l("Choose a class.")
    )
    description = StringField(
        _l("Description"),
        filters=[strip],
        validators=[Length(max=200, message=_l("Use at most %(max)d characters."))],
    )
    quantity = WholeNumberField(
        _l("Quantity"),
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=999, message=_l("Enter a quantity from 1 to 999.")),
        ],
    )
    amount = MoneyField(
        _l("Amount"),
        description=_l("The unit price. For a plan or pack, leave it blank to charge its price."),
    )
    tendered = MoneyField(_l("Cash handed over"))
    reference = StringField(
        _l("Reference"),
        filters=[strip],
        validators=[Length(max=120, message=_l("Use at most %(max)d characters."))],
        description=_l("The card terminal's or the bank's reference."),
    )

    def load_options(self, plans, packs, sessions) -> None:
        self.plan_id.set_options(plans)
        self.pack_id.set_options(packs)
        self.session_id.set_options(sessions)

    def validate(self, extra_validators=None) -> bool:
        """The fields above, plus the choice the kind of item needs."""
        valid = super().validate(extra_validators)
        if self.kind.errors:
            return False
        needed = {
            ItemKind.PLAN: self.plan_id,
            ItemKind.PACK: self.pack_id,
            ItemKind.DROP_IN: self.session_id,
        }.get(self.item_kind)
        if needed is not None and not needed.errors and needed.data is None:
            needed.errors.append(str(needed.invalid_message))
            return False
        return valid

    def validate_amount(self, field):
        quantity = self.quantity.data or 1
        if field.data is not None and field.data * quantity > MAX_PRICE_MINOR:
            raise ValidationError(_l("That amount is too large."))

    @property
    def payment_method(self) -> PaymentMethod:
        return PaymentMethod(self.method.data)

    @property
    def item_kind(self) -> ItemKind:
        return ItemKind(self.kind.data)

    def sale(self) -> Sale:
        kind = self.item_kind
        plan_id = {ItemKind.PLAN: self.plan_id.data, ItemKind.PACK: self.pack_id.data}.get(kind)
        return Sale(
            kind,
            plan_id=plan_id,
            session_id=self.session_id.data if kind is ItemKind.DROP_IN else None,
            description=(self.description.data or "") if kind is ItemKind.OTHER else "",
            price_minor=self.amount.data,
            quantity=(self.quantity.data or 1) if kind is ItemKind.OTHER else 1,
        )

    def params(self) -> dict:
        """What the payment depends on: the idempotency fingerprint."""
        return {
            "member_id": self.member_user.id,
            "method": self.method.data,
            "sale": vars(self.sale()) | {"kind": self.kind.data},
            "tendered_minor": self.tendered.data,
            "reference": self.reference.data,
        }

    def apply(self, error: dict | DomainError) -> None:
        """Show a refusal (or its replayed {"error", "field"}) on its field."""
        if isinstance(error, dict):
            error = DomainError(error["error"], field=error.get("field"))
        if error.field == "plan_id" and self.item_kind is ItemKind.PACK:
            error.field = "pack_id"
        apply_error(self, error)


class RefundForm(FlaskForm):
    action = ChoiceField(
        _l("What to do"),
        choices=[
            ("refund", _l("Refund: the money goes back to the member")),
            ("void", _l("Void: the payment was a mistake")),
        ],
        default="refund",
        invalid_message=_l("Choose refund or void."),
    )
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[
            DataRequired(_l("Give a reason.")),
            Length(max=500, message=_l("Use at most %(max)d characters.")),
        ],
    )


#: a report looks back as far as the records go, and at most a year ahead
_REPORT_DAYS = DateBounds(latest=days_from_today(366))


class PaymentFilterForm(FlaskForm):
    """The payment list's filters (GET; a bad value is shown and ignored)."""

    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), validators=[Optional(), _REPORT_DAYS])
    date_to = LocalDateField(_l("Until"), validators=[Optional(), _REPORT_DAYS])
    method = ChoiceField(
        _l("Method"),
        choices=lambda: [("", _l("All methods"))] + _choices(METHOD_LABELS, PaymentMethod),
        default="",
        invalid_message=_l("Choose a method."),
    )
    staff = IdSelectField(
        _l("Recorded by"), blank_label=_l("Anyone"), invalid_message=_l("Choose someone.")
    )
    member = StringField(
        _l("Member"),
        filters=[strip],
        validators=[Length(max=254, message=_l("Use at most %(max)d characters."))],
    )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Choose a day on or after the first one."))

    def valid(self, name: str):
        field = self[name]
        return None if field.errors else (field.data or None)


class DrawerForm(FlaskForm):
    counted = MoneyField(
        _l("Cash counted"),
        validators=[InputRequired(_l("Enter the cash counted."))],
        description=_l("All the cash in the drawer for this day, such as 1250.00."),
    )
    note = TextAreaField(
        _l("Note"),
        filters=[strip],
        validators=[Length(max=500, message=_l("Use at most %(max)d characters."))],
    )


class DrawerPickForm(FlaskForm):
    """Which day and whose drawer (GET)."""

    class Meta:
        csrf = False

    day = LocalDateField(_l("Day"), validators=[Optional(), DateBounds(latest=gym_today)])
    staff = IdSelectField(_l("Staff member"), invalid_message=_l("Choose someone."))


class RenewalsForm(FlaskForm):
    class Meta:
        csrf = False

    days = WholeNumberField(
        _l("Ending within (days)"),
        default=RENEWAL_DAYS,
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=RENEWAL_DAYS_MAX,
                message=_l("Enter a number of days from 1 to %(max)d."),
            ),
        ],
    )


# ---- buying online ----------------------------------------------------------


class BuyForm(FlaskForm):
    """One "Buy" button: the plan, and a key so a double tap makes one order."""

    plan_id = IdField(validators=[DataRequired()])
    idempotency_key = HiddenField(validators=[Optional(), Length(max=64)])


class CardForm(FlaskForm):
    """The sandbox's card form: the number decides the outcome; the gateway
    checks the expiry (`sandbox.expiry_error`), as a real one does."""

    card_number = StringField(
        _l("Card number"),
        validators=[
            DataRequired(message=_l("Enter the card number.")),
            Regexp(r"^[\d\s-]{12,23}$", message=_l("Enter the card number in digits.")),
        ],
    )
    expiry = StringField(
        _l("Expiry (MM/YY)"),
        validators=[
            DataRequired(message=_l("Enter the expiry date.")),
            Length(max=20, message=_l("Use the form MM/YY.")),
        ],
    )
    cvc = StringField(
        _l("CVC"),
        validators=[
            DataRequired(message=_l("Enter the CVC.")),
            Regexp(r"^\d{3,4}$", message=_l("Enter the 3 or 4 digits on the back.")),
        ],
    )


class RetryForm(FlaskForm):
    """An admin's "Retry" button (CSRF only)."""


# ---- billing details --------------------------------------------------------

BLANK = ("", "—")


def _coded(catalogue: dict[str, str]) -> list[tuple[str, str]]:
    return [BLANK] + [(code, f"{code} — {name}") for code, name in catalogue.items()]


#: the legal name's hint when staff fill in a member's details
LEGAL_NAME_ABOUT_MEMBER = _l(
    "As on the member's tax certificate (constancia de situación fiscal). "
    "Leave it empty to use the member's name."
)


class BillingProfileForm(FlaskForm):
    """Every rule is the service's (`save_billing_profile`): an unknown code
    comes back from it as a field error, so the selects accept any value."""

    legal_name = StringField(
        _l("Name or company name"),
        filters=[strip],
        description=_l(
            "As on your tax certificate (constancia de situación fiscal). "
            "Leave it empty to use your name."
        ),
    )
    tax_id = StringField(
        _l("RFC"),
        filters=[strip],
        description=_l("12 characters for a company, 13 for a person."),
    )
    fiscal_regime = SelectField(
        _l("Tax regime (régimen fiscal)"), choices=_coded(FISCAL_REGIMES), validate_choice=False
    )
    invoice_use = SelectField(
        _l("Invoice use (uso del CFDI)"), choices=_coded(INVOICE_USES), validate_choice=False
    )
    postal_code = StringField(
        _l("Postal code of the tax address"),
        filters=[strip],
        description=_l("5 digits."),
    )

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in FIELDS}
