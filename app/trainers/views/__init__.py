"""Trainer pages, one module per audience.

`staff` (`trainers_admin`, /admin/trainers): admins list, create and edit
trainers; it also serves the uploaded files (`files`, /files): photos to
anyone signed in, certificates to admins and the trainer they belong to.
`trainer` (`trainer_profile`, /trainer/profile): a trainer's own profile.
Below, the steps both audiences' pages share.

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.core.errors import DomainError
from app.trainers import services
from app.trainers.models import Trainer


def profile_data(trainer: Trainer | None) -> dict:
    """The profile form's values for `trainer` (blank without a profile)."""
    if trainer is None:
        return {"bio": "", "specialties": ""}
    return {"bio": trainer.bio, "specialties": ", ".join(trainer.specialties or [])}


def form_expired() -> bool:
    """Whether a button-only form's CSRF token failed (flashed to the user)."""
    if FlaskForm().validate_on_submit():
        return False
    flash(_("The form expired. Please try again."), "danger")
    return True


def remove_photo_then_flash(trainer_id: int) -> None:
    """Take the trainer's photo down and flash how it went."""
    if form_expired():
        return
    try:
        services.remove_photo(trainer_id, actor=current_user)
    except DomainError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Photo removed."), "success")


def remove_certification_then_flash(certification_id: int) -> None:
    """Delete the certificate and flash how it went."""
    if form_expired():
        return
    try:
        services.remove_certification(certification_id, actor=current_user)
    except DomainError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Certificate removed."), "success")
