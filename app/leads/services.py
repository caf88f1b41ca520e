"""Lead operations: an application at /join, the follow-up, the conversion.

Each function is one transaction with its checks and audit entry; staff are
told about a new lead through `signals.tell`.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User, UserStatus
from app.accounts.services import accounts
from app.core import audit, signals
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.core.permissions import DESK, require_role
from app.core.roles import Role
from app.core.urls import external_url
from app.extensions import db
from app.leads.models import Interest, Lead, LeadStatus
from app.notifications import services as notifications

FIELDS = ["status", "lost_reason", "notes", "next_follow_up", "assignee_id", "member_id"]
#: the statuses a person sets by hand; "converted" only comes from `convert`
SETTABLE = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.TRIAL, LeadStatus.LOST)


class LeadError(DomainError):
    """A lead rule said no; the message is shown to the user."""


def _desk_ids() -> list[int]:
    return list(
        db.session.scalars(
            select(User.id).where(
                User.role.in_((Role.ADMIN, Role.FRONT_DESK)),
                User.status == UserStatus.ACTIVE,
                User.deleted_at.is_(None),
            )
        )
    )


def apply(*, name: str, email: str, phone: str | None, interest: Interest, message: str | None):
    """Write a new lead and tell every active admin and front desk ("lead_received")."""
    with transaction():
        lead = Lead(
            name=name.strip(),
            email=accounts.normalize_email(email),
            phone=(phone or "").strip() or None,
            interest=interest,
            message=(message or "").strip() or None,
            status=LeadStatus.NEW,
            language=str(get_locale() or "") or None,
        )
        db.session.add(lead)
        db.session.flush()
        audit.record("lead.received", lead, after=audit.changes(lead, ["name", "email"]))
        link = external_url("leads_staff.detail", lead_id=lead.id)
        for user_id in _desk_ids():
            signals.tell(
                user_id,
                "lead_received",
                link=link,
                key=f"lead-{lead.id}-{user_id}",
                lead=lead.name,
            )
        enqueue_after_commit("leads.send_acknowledgement", lead.id, notifications.new_key())
    return lead


@dataclass(frozen=True)
class _Applicant:
    """Whom the acknowledgement goes to: someone with no account yet."""

    email: str
    language: str | None
    id: None = None


def send_acknowledgement(lead_id: int, key: str) -> None:
    """Job: email the applicant that their request arrived, once per `key`.

    Records the "lead_acknowledged" email (no account: no user id) and sends
    it here; raises the mail transport's error after recording it, so the
    job is retried. Does nothing for a lead that no longer exists.
    """
    email = notifications.email_by_key(key)
    if email is None:
        with transaction():
            lead = db.session.get(Lead, lead_id)
            if lead is None:
                return
            email = notifications.record_email(
                _Applicant(email=lead.email, language=lead.language),
                "lead_acknowledged",
                {"name": lead.name},
                key=key,
            )
    notifications.deliver_email(email.id)


def _locked(lead_id: int) -> Lead:
    lead = db.session.get(Lead, lead_id, with_for_update=True)
    if lead is None:
        raise LeadError(_("This lead no longer exists."))
    return lead


def update(
    lead_id: int,
    *,
    status: LeadStatus,
    lost_reason: str | None,
    notes: str | None,
    next_follow_up: date | None,
    assignee_id: int | None,
    actor,
) -> Lead:
    """Change a lead's follow-up; admins and front desk only; audited.

    Raises LeadError for "converted" set by hand, a converted lead moved back,
    "lost" without a reason, or an assignee who is not active staff.
    """
    require_role(actor, *DESK)
    lost_reason = (lost_reason or "").strip() or None
    if status not in SETTABLE:
        raise LeadError(_("Convert the lead to make it a member."), field="status")
    if status is LeadStatus.LOST and not lost_reason:
        raise LeadError(_("Say why the lead was lost."), field="lost_reason")
    with transaction():
        lead = _locked(lead_id)
        if lead.status is LeadStatus.CONVERTED:
            raise LeadError(_("This lead is already a member."), field="status")
        if assignee_id is not None:
            staff = db.session.get(User, assignee_id)
            if staff is None or not staff.is_active or staff.role not in DESK + (Role.TRAINER,):
                raise LeadError(_("Choose a member of staff."), field="assignee_id")
        before = audit.changes(lead, FIELDS)
        lead.status = status
        lead.lost_reason = lost_reason if status is LeadStatus.LOST else None
        lead.notes = (notes or "").strip() or None
        lead.next_follow_up = next_follow_up
        lead.assignee_id = assignee_id
        lead.updated_at = utc_now()
        db.session.flush()
        audit.record(
            "lead.updated", lead, actor=actor, before=before, after=audit.changes(lead, FIELDS)
        )
    return lead


def convert(lead_id: int, *, actor) -> Lead:
    """Make the lead a member and link them; converting again changes nothing.

    A lead whose email already belongs to a member is linked to that member;
    otherwise the accounts service creates the member, who gets a temporary
    password by email. Raises LeadError when the email belongs to staff.
    """
    require_role(actor, *DESK)
    with transaction():
        lead = _locked(lead_id)
        if lead.status is LeadStatus.CONVERTED and lead.member_id is not None:
            return lead
        existing = accounts.find_user_by_email(lead.email)
        if existing is not None and existing.role is not Role.MEMBER:
            raise LeadError(_("This email belongs to a member of staff."))
    if existing is None:
        try:
            existing = accounts.create_account(
                email=lead.email, name=lead.name, role=Role.MEMBER, phone=lead.phone, actor=actor
            )
        except accounts.AccountError:
            # a second convert (or the desk) created the account meanwhile: link it
            existing = accounts.find_user_by_email(lead.email)
            if existing is None or existing.role is not Role.MEMBER:
                raise LeadError(_("This email belongs to a member of staff.")) from None
    with transaction():
        lead = _locked(lead_id)
        if lead.status is LeadStatus.CONVERTED and lead.member_id is not None:
            return lead
        before = audit.changes(lead, FIELDS)
        lead.status = LeadStatus.CONVERTED
        lead.member_id = existing.id
        lead.lost_reason = None
        lead.updated_at = utc_now()
        db.session.flush()
        audit.record(
            "lead.converted", lead, actor=actor, before=before, after=audit.changes(lead, FIELDS)
        )
    return lead
