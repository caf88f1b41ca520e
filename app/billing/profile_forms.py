"""The billing details form, the same for the member and the desk."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from app.billing.services.profiles import FIELDS, FISCAL_REGIMES, INVOICE_USES
from app.core.forms import strip

BLANK = ("", "—")


def _choices(catalogue: dict[str, str]) -> list[tuple[str, str]]:
    return [BLANK] + [(code, f"{code} — {name}") for code, name in catalogue.items()]


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
        _l("Tax regime (régimen fiscal)"), choices=_choices(FISCAL_REGIMES), validate_choice=False
    )
    invoice_use = SelectField(
        _l("Invoice use (uso del CFDI)"), choices=_choices(INVOICE_USES), validate_choice=False
    )
    postal_code = StringField(
        _l("Postal code of the tax address"),
        filters=[strip],
        description=_l("5 digits."),
    )

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in FIELDS}
