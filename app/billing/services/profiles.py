"""A member's billing details: what their invoices say about the buyer.

Mexican invoices (CFDI 4.0) name the buyer by RFC, régimen fiscal, uso del
CFDI and the postal code of their tax address. Invoices copy these details
when they are issued (`invoices.buyer`), so a change here shows on the next
invoice only; issued invoices never change.

The SAT's catalogue names are official Spanish text, shown as they are in
every language (the SAT publishes no other).
"""

import re
from datetime import datetime

from flask_babel import gettext as _

from app.accounts.models import Role, User
from app.billing.models import BillingProfile
from app.core import audit
from app.core.db import transaction
from app.core.errors import AccessDenied, DomainError
from app.core.permissions import DESK
from app.extensions import db

FIELDS = ["legal_name", "tax_id", "fiscal_regime", "invoice_use", "postal_code"]
LEGAL_NAME_MAX = 200

#: SAT c_RegimenFiscal: code → official name
FISCAL_REGIMES = {
    "601": "General de Ley Personas Morales",
    "603": "Personas Morales con Fines no Lucrativos",
    "605": "Sueldos y Salarios e Ingresos Asimilados a Salarios",
    "606": "Arrendamiento",
    "607": "Régimen de Enajenación o Adquisición de Bienes",
    "608": "Demás ingresos",
    "610": "Residentes en el Extranjero sin Establecimiento Permanente en México",
    "611": "Ingresos por Dividendos (socios y accionistas)",
    "612": "Personas Físicas con Actividades Empresariales y Profesionales",
    "614": "Ingresos por intereses",
    "615": "Régimen de los ingresos por obtención de premios",
    "616": "Sin obligaciones fiscales",
    "620": "Sociedades Cooperativas de Producción que optan por diferir sus ingresos",
    "621": "Incorporación Fiscal",
    "622": "Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras",
    "623": "Opcional para Grupos de Sociedades",
    "624": "Coordinados",
    "625": "Régimen de las Actividades Empresariales con ingresos a través de "
    "Plataformas Tecnológicas",
    "626": "Régimen Simplificado de Confianza",
}

#: SAT c_UsoCFDI, the common uses: code → official name
INVOICE_USES = {
    "G01": "Adquisición de mercancías",
    "G02": "Devoluciones, descuentos o bonificaciones",
    "G03": "Gastos en general",
    "I01": "Construcciones",
    "I02": "Mobiliario y equipo de oficina por inversiones",
    "I03": "Equipo de transporte",
    "I04": "Equipo de cómputo y accesorios",
    "I05": "Dados, troqueles, moldes, matrices y herramental",
    "I06": "Comunicaciones telefónicas",
    "I07": "Comunicaciones satelitales",
    "I08": "Otra maquinaria y equipo",
    "D01": "Honorarios médicos, dentales y gastos hospitalarios",
    "D02": "Gastos médicos por incapacidad o discapacidad",
    "D03": "Gastos funerales",
    "D04": "Donativos",
    "D05": "Intereses reales efectivamente pagados por créditos hipotecarios (casa habitación)",
    "D06": "Aportaciones voluntarias al SAR",
    "D07": "Primas por seguros de gastos médicos",
    "D08": "Gastos de transportación escolar obligatoria",
    "D09": "Depósitos en cuentas para el ahorro, primas que tengan como base planes de pensiones",
    "D10": "Pagos por servicios educativos (colegiaturas)",
    "S01": "Sin efectos fiscales",
    "CP01": "Pagos",
}

#: the SAT's generic RFCs: the general public (nationals) and foreigners
GENERIC_RFCS = {"XAXX010101000", "XEXX010101000"}
#: persona moral (3 letters) or persona física (4), a date (YYMMDD), a 3-character check
_RFC = re.compile(r"^([A-ZÑ&]{3,4})(\d{6})([A-Z0-9]{3})$")
_POSTAL_CODE = re.compile(r"^\d{5}$")


class BillingProfileError(DomainError):
    """A billing detail was refused; the message is shown on its field."""


def normalize_rfc(text: str | None) -> str:
    """Upper case, without the spaces and hyphens people type: "gomj-800101 ab1".

    A rule only: raises nothing, queues nothing.
    """
    return re.sub(r"[\s-]+", "", text or "").upper()


def is_valid_rfc(rfc: str) -> bool:
    """A persona moral (12 characters) or física (13) RFC with a real date, or a generic one.

    A rule only: raises nothing, queues nothing.
    """
    if rfc in GENERIC_RFCS:
        return True
    match = _RFC.match(rfc)
    if match is None:
        return False
    try:
        datetime.strptime(match.group(2), "%y%m%d")
    except ValueError:
        return False
    return True


def _clean(values: dict) -> dict:
    """The submitted values, trimmed and normalised, every field present."""
    clean = {name: (values.get(name) or "").strip() for name in FIELDS}
    clean["legal_name"] = " ".join(clean["legal_name"].split())
    clean["tax_id"] = normalize_rfc(clean["tax_id"])
    clean["fiscal_regime"] = clean["fiscal_regime"].upper()
    clean["invoice_use"] = clean["invoice_use"].upper()
    return clean


def _check(clean: dict) -> None:
    """Raise BillingProfileError on the first field that is wrong."""
    if len(clean["legal_name"]) > LEGAL_NAME_MAX:
        raise BillingProfileError(
            _("Use at most %(max)d characters.", max=LEGAL_NAME_MAX), field="legal_name"
        )
    if clean["tax_id"] and not is_valid_rfc(clean["tax_id"]):
        raise BillingProfileError(
            _("Enter the RFC as the SAT issued it: 12 characters for a company, 13 for a person."),
            field="tax_id",
        )
    if clean["fiscal_regime"] and clean["fiscal_regime"] not in FISCAL_REGIMES:
        raise BillingProfileError(_("Choose a tax regime from the list."), field="fiscal_regime")
    if clean["invoice_use"] and clean["invoice_use"] not in INVOICE_USES:
        raise BillingProfileError(_("Choose an invoice use from the list."), field="invoice_use")
    if clean["postal_code"] and not _POSTAL_CODE.match(clean["postal_code"]):
        raise BillingProfileError(_("Enter the 5-digit postal code."), field="postal_code")
    if clean["tax_id"]:  # CFDI 4.0: an invoice with an RFC names all three
        if not clean["fiscal_regime"]:
            raise BillingProfileError(
                _("Choose the tax regime that goes with this RFC."), field="fiscal_regime"
            )
        if not clean["invoice_use"]:
            raise BillingProfileError(
                _("Choose what the invoice is used for."), field="invoice_use"
            )
        if not clean["postal_code"]:
            raise BillingProfileError(
                _("Enter the postal code of the tax address that goes with this RFC."),
                field="postal_code",
            )


def _member(member_id: int) -> User:
    member = db.session.get(User, member_id)
    if member is None or not member.is_member:
        raise BillingProfileError(_("This person is not a member."))
    return member


def save_billing_profile(member_id: int, values: dict, *, actor) -> BillingProfile:
    """Save the details that invoices issued from now on show for the member.

    `values` holds the FIELDS (a missing one is saved empty). The member
    themself or the desk (front desk, admins) may save them. Creates the row
    when the member has none. Raises AccessDenied for anyone else,
    BillingProfileError for a non-member or (with its `field`) a wrong value;
    nothing is written then. Queues nothing.
    """
    own = actor is not None and actor.id == member_id and actor.role is Role.MEMBER
    if not own and getattr(actor, "role", None) not in DESK:
        raise AccessDenied()
    clean = _clean(values)
    _check(clean)
    with transaction():
        member = _member(member_id)
        profile = db.session.get(
            BillingProfile, member_id, with_for_update=True, populate_existing=True
        )
        before = None
        if profile is None:
            profile = BillingProfile(member_id=member_id)
            db.session.add(profile)
        else:
            before = audit.changes(profile, FIELDS)
        for name in FIELDS:
            setattr(profile, name, clean[name])
        after = audit.changes(profile, FIELDS)
        if before != after:
            audit.record("billing_profile.saved", member, actor=actor, before=before, after=after)
    return profile
