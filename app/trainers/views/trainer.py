"""A trainer's own profile (`trainer_profile`, /trainer/profile): bio,
specialties, photo and certificates.

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.limits import upload_limit
from app.core.permissions import ensure, get_or_404, roles_required
from app.trainers import services
from app.trainers.forms import CertificationForm, PhotoForm, ProfileForm
from app.trainers.models import Certification
from app.trainers.queries import certifications_of, trainer_for_user
from app.trainers.views import (
    profile_data,
    remove_certification_then_flash,
    remove_photo_then_flash,
)

bp = Blueprint("trainer_profile", __name__, url_prefix="/trainer/profile")

TRAINER_ONLY = (Role.TRAINER,)


def _own_page(form=None, photo_form=None, certification_form=None):
    trainer = trainer_for_user(current_user.id)
    return render_template(
        "trainers/trainer/profile.html",
        trainer=trainer,
        form=form or ProfileForm(formdata=None, data=profile_data(trainer)),
        photo_form=photo_form or PhotoForm(formdata=None),
        certification_form=certification_form or CertificationForm(formdata=None),
        certifications=certifications_of(trainer),
        photo_action=url_for("trainer_profile.photo"),
        photo_remove_action=url_for("trainer_profile.remove_photo"),
        certification_action=url_for("trainer_profile.add_certification"),
        person=current_user,
        remove_url=lambda certification_id: url_for(
            "trainer_profile.remove_certification", certification_id=certification_id
        ),
    )


def _own_trainer_id() -> int:
    """The signed-in trainer's profile id; the profile is made on first save."""
    trainer = trainer_for_user(current_user.id)
    if trainer is None:
        trainer = services.ensure_trainer_profile(current_user.id, actor=current_user)
    return trainer.id


@bp.route("/", methods=["GET", "POST"], endpoint="edit")
@roles_required(*TRAINER_ONLY)
def own_edit():
    if request.method == "GET":
        return _own_page()
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(
                _own_trainer_id(),
                bio=form.bio.data,
                specialties=form.specialties.data or "",
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Your profile was saved."), "success")
            return redirect(url_for("trainer_profile.edit"))
    return _own_page(form=form)


@bp.post("/photo", endpoint="photo")
@roles_required(*TRAINER_ONLY)
@upload_limit()
def own_photo():
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            services.change_photo(_own_trainer_id(), form.photo.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Photo updated."), "success")
            return redirect(url_for("trainer_profile.edit"))
    return _own_page(photo_form=form)


@bp.post("/photo/remove", endpoint="remove_photo")
@roles_required(*TRAINER_ONLY)
def own_remove_photo():
    trainer = trainer_for_user(current_user.id)
    if trainer is not None:  # without a profile there is no photo to remove
        remove_photo_then_flash(trainer.id)
    return redirect(url_for("trainer_profile.edit"))


@bp.post("/certifications", endpoint="add_certification")
@roles_required(*TRAINER_ONLY)
@upload_limit()
def own_add_certification():
    form = CertificationForm()
    if form.validate_on_submit():
        try:
            services.add_certification(
                _own_trainer_id(), title=form.title.data, upload=form.file.data, actor=current_user
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Certificate added."), "success")
            return redirect(url_for("trainer_profile.edit"))
    return _own_page(certification_form=form)


@bp.post("/certifications/<int:certification_id>/delete", endpoint="remove_certification")
@roles_required(*TRAINER_ONLY)
def own_remove_certification(certification_id: int):
    certification = get_or_404(Certification, certification_id)
    ensure(certification.trainer.user_id == current_user.id)
    remove_certification_then_flash(certification.id)
    return redirect(url_for("trainer_profile.edit"))
