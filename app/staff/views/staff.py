"""Admins keep availability, decide leave, plan cover and run pay
(`staff_admin`, /admin/staff).

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import Blueprint

bp = Blueprint("staff_admin", __name__, url_prefix="/admin/staff")


# -- availability and 1:1 slots ----------------------------------------------
#
# An admin keeps any trainer's availability on the same page the trainer
# has (built by views/trainer.py).

from flask import render_template, request, url_for  # noqa: E402

from app.core.navigation import safe_next  # noqa: E402
from app.core.permissions import ADMIN, get_or_404, roles_required  # noqa: E402
from app.staff.forms.availability import AudienceForm, BlockForm, ExceptionForm  # noqa: E402
from app.staff.models import AvailabilityBlock, AvailabilityException  # noqa: E402
from app.staff.services import availability as availability_services  # noqa: E402
from app.staff.views.trainer import (  # noqa: E402
    add_exception_then_redirect,
    availability_page,
    delete_then_redirect,
    save_block_then_redirect,
    set_audience_then_redirect,
)
from app.trainers.models import Trainer  # noqa: E402


def _urls(trainer_id: int) -> dict:
    return {
        "add_block": url_for("staff_admin.add_block", trainer_id=trainer_id),
        "edit_block": lambda block_id: url_for("staff_admin.edit_block", block_id=block_id),
        "delete_block": lambda block_id: url_for("staff_admin.delete_block", block_id=block_id),
        "add_exception": url_for("staff_admin.add_exception", trainer_id=trainer_id),
        "delete_exception": lambda exception_id: url_for(
            "staff_admin.delete_exception", exception_id=exception_id
        ),
        "audience": url_for("staff_admin.audience", trainer_id=trainer_id),
        "back": url_for("staff_admin.availability", trainer_id=trainer_id),
        "trainer": url_for("trainers_admin.edit", trainer_id=trainer_id),
    }


def _page(trainer: Trainer, **forms):
    return availability_page(trainer, _urls(trainer.id), layout="layouts/admin.html", **forms)


def _back(trainer_id: int) -> str:
    return url_for("staff_admin.availability", trainer_id=trainer_id)


@bp.get("/trainers/<int:trainer_id>/availability")
@roles_required(*ADMIN)
def availability(trainer_id: int):
    return _page(get_or_404(Trainer, trainer_id))


@bp.post("/trainers/<int:trainer_id>/availability/blocks")
@roles_required(*ADMIN)
def add_block(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id)
    form = BlockForm()
    done = save_block_then_redirect(trainer.id, None, form, _back(trainer.id))
    return done or _page(trainer, block_form=form)


@bp.route("/availability/blocks/<int:block_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit_block(block_id: int):
    block = get_or_404(AvailabilityBlock, block_id)
    form = BlockForm(obj=block) if request.method == "GET" else BlockForm()
    if request.method == "POST":
        done = save_block_then_redirect(block.trainer_id, block.id, form, _back(block.trainer_id))
        if done:
            return done
    return render_template(
        "staff/availability_block.html",
        layout="layouts/admin.html",
        form=form,
        trainer=block.trainer_id,
        action=url_for(".edit_block", block_id=block.id),
        back=_back(block.trainer_id),
    )


@bp.post("/availability/blocks/<int:block_id>/delete")
@roles_required(*ADMIN)
def delete_block(block_id: int):
    block = get_or_404(AvailabilityBlock, block_id)
    return delete_then_redirect(
        availability_services.delete_block, block.id, block.trainer_id, _back(block.trainer_id)
    )


@bp.post("/trainers/<int:trainer_id>/availability/exceptions")
@roles_required(*ADMIN)
def add_exception(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id)
    form = ExceptionForm()
    done = add_exception_then_redirect(trainer.id, form, _back(trainer.id))
    return done or _page(trainer, exception_form=form)


@bp.post("/availability/exceptions/<int:exception_id>/delete")
@roles_required(*ADMIN)
def delete_exception(exception_id: int):
    exception = get_or_404(AvailabilityException, exception_id)
    return delete_then_redirect(
        availability_services.delete_exception,
        exception.id,
        exception.trainer_id,
        _back(exception.trainer_id),
    )


@bp.post("/trainers/<int:trainer_id>/availability/audience")
@roles_required(*ADMIN)
def audience(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id)
    form = AudienceForm()
    back = safe_next(request.form.get("next")) or _back(trainer.id)
    done = set_audience_then_redirect(trainer.id, form, back)
    return done or _page(trainer, audience_form=form)


# -- leave, approval and cover -----------------------------------------------


# -- pay ---------------------------------------------------------------------
