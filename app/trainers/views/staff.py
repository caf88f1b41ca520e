"""The admin's trainer pages (`trainers_admin`, /admin/trainers), and the
uploaded files behind every audience's pages (`files`, /files).

Thin: load (404), check (403), validate, call one service, render.
"""

import re

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.accounts.models import Role
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.inputs import page_arg
from app.core.limits import upload_limit, write_limit
from app.core.permissions import ADMIN, ensure, get_or_404, roles_required
from app.core.uploads import EXTENSIONS, PHOTOS, upload_root
from app.trainers import services
from app.trainers.forms import (
    CertificationForm,
    NewTrainerForm,
    PhotoForm,
    TrainerFilterForm,
    TrainerForm,
)
from app.trainers.models import Certification, Trainer
from app.trainers.queries import certifications_of, search_trainers
from app.trainers.views import (
    form_expired,
    profile_data,
    remove_certification_then_flash,
    remove_photo_then_flash,
)

bp = Blueprint("trainers_admin", __name__, url_prefix="/admin/trainers")
files_bp = Blueprint("files", __name__, url_prefix="/files")

_PHOTO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(?:jpg|png|webp)$")


@files_bp.app_template_global()
def photo_url(path: str | None) -> str | None:
    """The URL of a stored photo (User.photo_path), or None without one."""
    if not path or not path.startswith(f"{PHOTOS}/"):
        return None
    return url_for("files.photo", filename=path.removeprefix(f"{PHOTOS}/"))


# --- the admin's pages -----------------------------------------------------


@bp.get("/")
@roles_required(*ADMIN)
def index():
    filters = TrainerFilterForm(request.args)
    filters.validate()
    pagination, rows = search_trainers(
        q="" if filters.q.errors else (filters.q.data or ""),
        active=filters.active.data or "",
        page=page_arg(),
    )
    return render_template(
        "trainers/staff/index.html",
        pagination=pagination,
        rows=rows,
        filters=filters,
        action_form=FlaskForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
@write_limit("USER_CREATION_LIMIT", scope="user-creation")
def create():
    form = NewTrainerForm()
    if form.validate_on_submit():
        try:
            trainer = services.create_trainer(
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                language=form.language.data,
                bio=form.bio.data,
                specialties=form.specialties.data or "",
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(
                _(
                    "Trainer created. A temporary password was emailed to %(email)s.",
                    email=trainer.user.email,
                ),
                "success",
            )
            return redirect(url_for("trainers_admin.edit", trainer_id=trainer.id))
    return render_template("trainers/staff/form.html", form=form, trainer=None)


@bp.post("/setup/<int:user_id>")
@roles_required(*ADMIN)
def setup(user_id: int):
    """Make the missing profile of a trainer account, then open it."""
    if form_expired():
        return redirect(url_for("trainers_admin.index"))
    try:
        trainer = services.ensure_trainer_profile(user_id, actor=current_user)
    except DomainError:
        abort(404)
    return redirect(url_for("trainers_admin.edit", trainer_id=trainer.id))


def _admin_trainer(trainer_id: int) -> Trainer:
    trainer = get_or_404(Trainer, trainer_id)
    ensure(not trainer.user.is_deleted)
    return trainer


def _admin_page(trainer: Trainer, form=None, photo_form=None, certification_form=None):
    if form is None:
        form = TrainerForm(
            formdata=None,
            data={
                "name": trainer.user.name,
                "email": trainer.user.email,
                "phone": trainer.user.phone,
                **profile_data(trainer),
            },
        )
    return render_template(
        "trainers/staff/form.html",
        trainer=trainer,
        form=form,
        photo_form=photo_form or PhotoForm(formdata=None),
        certification_form=certification_form or CertificationForm(formdata=None),
        certifications=certifications_of(trainer),
        photo_action=url_for("trainers_admin.photo", trainer_id=trainer.id),
        photo_remove_action=url_for("trainers_admin.remove_photo", trainer_id=trainer.id),
        certification_action=url_for("trainers_admin.add_certification", trainer_id=trainer.id),
        person=trainer.user,
        remove_url=lambda certification_id: url_for(
            "trainers_admin.remove_certification",
            trainer_id=trainer.id,
            certification_id=certification_id,
        ),
    )


@bp.route("/<int:trainer_id>", methods=["GET", "POST"], endpoint="edit")
@roles_required(*ADMIN)
def admin_edit(trainer_id: int):
    trainer = _admin_trainer(trainer_id)
    if request.method == "GET":
        return _admin_page(trainer)
    form = TrainerForm()
    if form.validate_on_submit():
        try:
            services.update_trainer(
                trainer.id,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                bio=form.bio.data,
                specialties=form.specialties.data or "",
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("trainers_admin.edit", trainer_id=trainer.id))
    return _admin_page(trainer, form=form)


@bp.post("/<int:trainer_id>/photo", endpoint="photo")
@roles_required(*ADMIN)
@upload_limit()
def admin_photo(trainer_id: int):
    trainer = _admin_trainer(trainer_id)
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            services.change_photo(trainer.id, form.photo.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Photo updated."), "success")
            return redirect(url_for("trainers_admin.edit", trainer_id=trainer.id))
    return _admin_page(trainer, photo_form=form)


@bp.post("/<int:trainer_id>/photo/remove", endpoint="remove_photo")
@roles_required(*ADMIN)
def admin_remove_photo(trainer_id: int):
    trainer = _admin_trainer(trainer_id)
    remove_photo_then_flash(trainer.id)
    return redirect(url_for("trainers_admin.edit", trainer_id=trainer.id))


@bp.post("/<int:trainer_id>/certifications", endpoint="add_certification")
@roles_required(*ADMIN)
@upload_limit()
def admin_add_certification(trainer_id: int):
    trainer = _admin_trainer(trainer_id)
    form = CertificationForm()
    if form.validate_on_submit():
        try:
            services.add_certification(
                trainer.id, title=form.title.data, upload=form.file.data, actor=current_user
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Certificate added."), "success")
            return redirect(url_for("trainers_admin.edit", trainer_id=trainer.id))
    return _admin_page(trainer, certification_form=form)


@bp.post(
    "/<int:trainer_id>/certifications/<int:certification_id>/delete",
    endpoint="remove_certification",
)
@roles_required(*ADMIN)
def admin_remove_certification(trainer_id: int, certification_id: int):
    trainer = _admin_trainer(trainer_id)
    certification = get_or_404(Certification, certification_id)
    ensure(certification.trainer_id == trainer.id)
    remove_certification_then_flash(certification.id)
    return redirect(url_for("trainers_admin.edit", trainer_id=trainer.id))


def _set_active(trainer_id: int, active: bool, message: str):
    trainer = _admin_trainer(trainer_id)
    if not form_expired():
        try:
            services.set_trainer_active(trainer.id, active, actor=current_user)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(message, "success")
    return redirect(url_for("trainers_admin.edit", trainer_id=trainer.id))


@bp.post("/<int:trainer_id>/deactivate")
@roles_required(*ADMIN)
def deactivate(trainer_id: int):
    return _set_active(
        trainer_id, False, _("The trainer was deactivated. Their account still signs in.")
    )


@bp.post("/<int:trainer_id>/reactivate")
@roles_required(*ADMIN)
def reactivate(trainer_id: int):
    return _set_active(trainer_id, True, _("The trainer was reactivated."))


# --- the uploaded files ----------------------------------------------------


@files_bp.get("/photos/<path:filename>", endpoint="photo")
@login_required
def photo_file(filename: str):
    """A profile photo; any signed-in person may see it."""
    ensure(bool(_PHOTO_NAME.match(filename)))
    response = send_from_directory(upload_root() / PHOTOS, filename, max_age=3600)
    response.cache_control.private = True
    return response


@files_bp.get("/certifications/<int:certification_id>", endpoint="certification")
@login_required
def certification_file(certification_id: int):
    """A certificate file, for admins and the trainer it belongs to (others: 404)."""
    certification = get_or_404(Certification, certification_id)
    ensure(current_user.role is Role.ADMIN or certification.trainer.user_id == current_user.id)
    title = re.sub(r"[^\w .-]+", "", certification.title).strip() or "certificate"
    response = send_from_directory(
        upload_root(),
        certification.file_path,
        mimetype=certification.content_type,
        download_name=title + EXTENSIONS.get(certification.content_type, ""),
        max_age=0,
    )
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
