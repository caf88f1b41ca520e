"""A trainer's own availability, leave and pay (`staff_trainer`, /trainer).

Thin: load (404), check (403), validate, call one service, render.
"""

from flask import Blueprint

bp = Blueprint("staff_trainer", __name__, url_prefix="/trainer")


# -- availability and 1:1 slots ----------------------------------------------
#
# The availability page and its forms, shared with the admin's copy of it
# (views/staff.py builds the same page for any trainer).

from flask import flash, redirect, render_template, request, url_for  # noqa: E402
from flask_babel import gettext as _  # noqa: E402
from flask_babel import ngettext  # noqa: E402
from flask_login import current_user  # noqa: E402
from flask_wtf import FlaskForm  # noqa: E402

from app.accounts.models import Role  # noqa: E402
from app.core.errors import DomainError  # noqa: E402
from app.core.forms import apply_error  # noqa: E402
from app.core.i18n import gym_today, gym_zone  # noqa: E402
from app.core.models import utc_now  # noqa: E402
from app.core.navigation import safe_next  # noqa: E402
from app.core.permissions import ensure, get_or_404, roles_required  # noqa: E402
from app.staff.forms.availability import (  # noqa: E402
    AudienceForm,
    BlockForm,
    ExceptionForm,
    weekday_names,
)
from app.staff.models import AvailabilityBlock, AvailabilityException  # noqa: E402
from app.staff.queries.availability import (  # noqa: E402
    blocks_of,
    booked_outside_availability,
    exceptions_of,
)
from app.staff.services import availability as availability_services  # noqa: E402
from app.trainers.queries import trainer_for_user  # noqa: E402

TRAINER_ONLY = (Role.TRAINER,)


def availability_page(
    trainer, urls: dict, *, layout: str, block_form=None, exception_form=None, audience_form=None
):
    """The availability page of `trainer` (None: a trainer with no profile yet)."""
    trainer_id = trainer.id if trainer else None
    return render_template(
        "staff/availability.html",
        layout=layout,
        trainer=trainer,
        urls=urls,
        weekdays=dict(weekday_names()),
        blocks=blocks_of(trainer_id) if trainer else [],
        exceptions=exceptions_of(trainer_id, gym_today()) if trainer else [],
        outside=booked_outside_availability(trainer_id, utc_now(), gym_zone()) if trainer else [],
        block_form=block_form or BlockForm(formdata=None, valid_from=gym_today()),
        exception_form=exception_form or ExceptionForm(formdata=None),
        audience_form=audience_form
        or AudienceForm(
            formdata=None, audience=trainer.one_to_one_audience if trainer else "anyone"
        ),
    )


def flash_outside(trainer_id: int) -> None:
    """After a change: say how many booked 1:1s lie outside availability now."""
    count = len(booked_outside_availability(trainer_id, utc_now(), gym_zone()))
    if count:
        flash(
            ngettext(
                "%(num)d booked 1:1 session is now outside the availability. It stays booked.",
                "%(num)d booked 1:1 sessions are now outside the availability. They stay booked.",
                count,
            ),
            "warning",
        )


def save_block_then_redirect(trainer_id: int, block_id, form: BlockForm, done_url: str):
    """Validate and save a block; the redirect on success, or None (errors on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        availability_services.save_block(trainer_id, block_id, actor=current_user, **form.values())
    except DomainError as exc:
        apply_error(form, exc)
        return None
    flash(_("Availability saved."), "success")
    flash_outside(trainer_id)
    return redirect(done_url)


def add_exception_then_redirect(trainer_id: int, form: ExceptionForm, done_url: str):
    if not form.validate_on_submit():
        return None
    try:
        availability_services.add_exception(trainer_id, actor=current_user, **form.values())
    except DomainError as exc:
        apply_error(form, exc)
        return None
    flash(_("Availability saved."), "success")
    flash_outside(trainer_id)
    return redirect(done_url)


def set_audience_then_redirect(trainer_id: int, form: AudienceForm, done_url: str):
    if not form.validate_on_submit():
        return None
    try:
        availability_services.set_one_to_one_audience(
            trainer_id, form.audience.data, actor=current_user
        )
    except DomainError as exc:
        apply_error(form, exc)
        return None
    flash(_("Saved who may book 1:1 sessions."), "success")
    return redirect(done_url)


def delete_then_redirect(remove, object_id: int, trainer_id: int, done_url: str):
    """Remove a block or exception (a button-only form) and go back."""
    if FlaskForm().validate_on_submit():
        remove(object_id, actor=current_user)
        flash(_("Availability saved."), "success")
        flash_outside(trainer_id)
    else:
        flash(_("The form expired. Please try again."), "danger")
    return redirect(done_url)


def _own_trainer():
    """The signed-in trainer's profile; made on first save."""
    trainer = trainer_for_user(current_user.id)
    if trainer is None:
        from app.trainers.services import ensure_trainer_profile

        trainer = ensure_trainer_profile(current_user.id, actor=current_user)
    return trainer


def _own_urls() -> dict:
    return {
        "add_block": url_for("staff_trainer.add_block"),
        "edit_block": lambda block_id: url_for("staff_trainer.edit_block", block_id=block_id),
        "delete_block": lambda block_id: url_for("staff_trainer.delete_block", block_id=block_id),
        "add_exception": url_for("staff_trainer.add_exception"),
        "delete_exception": lambda exception_id: url_for(
            "staff_trainer.delete_exception", exception_id=exception_id
        ),
        "audience": url_for("staff_trainer.audience"),
        "back": url_for("staff_trainer.availability"),
    }


def _own_page(**forms):
    trainer = trainer_for_user(current_user.id)
    return availability_page(trainer, _own_urls(), layout="layouts/trainer.html", **forms)


@bp.get("/availability")
@roles_required(*TRAINER_ONLY)
def availability():
    return _own_page()


@bp.post("/availability/blocks")
@roles_required(*TRAINER_ONLY)
def add_block():
    form = BlockForm()
    done = save_block_then_redirect(_own_trainer().id, None, form, url_for(".availability"))
    return done or _own_page(block_form=form)


def _own_row(model, object_id: int):
    """The signed-in trainer's block or exception, or 404."""
    row = get_or_404(model, object_id)
    trainer = trainer_for_user(current_user.id)
    ensure(trainer is not None and row.trainer_id == trainer.id)
    return row


@bp.route("/availability/blocks/<int:block_id>", methods=["GET", "POST"])
@roles_required(*TRAINER_ONLY)
def edit_block(block_id: int):
    block = _own_row(AvailabilityBlock, block_id)
    form = BlockForm(obj=block) if request.method == "GET" else BlockForm()
    if request.method == "POST":
        done = save_block_then_redirect(block.trainer_id, block.id, form, url_for(".availability"))
        if done:
            return done
    return render_template(
        "staff/availability_block.html",
        layout="layouts/trainer.html",
        form=form,
        trainer=block.trainer_id,
        action=url_for(".edit_block", block_id=block.id),
        back=url_for(".availability"),
    )


@bp.post("/availability/blocks/<int:block_id>/delete")
@roles_required(*TRAINER_ONLY)
def delete_block(block_id: int):
    block = _own_row(AvailabilityBlock, block_id)
    return delete_then_redirect(
        availability_services.delete_block, block.id, block.trainer_id, url_for(".availability")
    )


@bp.post("/availability/exceptions")
@roles_required(*TRAINER_ONLY)
def add_exception():
    form = ExceptionForm()
    done = add_exception_then_redirect(_own_trainer().id, form, url_for(".availability"))
    return done or _own_page(exception_form=form)


@bp.post("/availability/exceptions/<int:exception_id>/delete")
@roles_required(*TRAINER_ONLY)
def delete_exception(exception_id: int):
    exception = _own_row(AvailabilityException, exception_id)
    return delete_then_redirect(
        availability_services.delete_exception,
        exception.id,
        exception.trainer_id,
        url_for(".availability"),
    )


@bp.post("/availability/audience")
@roles_required(*TRAINER_ONLY)
def audience():
    form = AudienceForm()
    back = safe_next(request.form.get("next")) or url_for(".availability")
    done = set_audience_then_redirect(_own_trainer().id, form, back)
    return done or _own_page(audience_form=form)


# -- leave, approval and cover -----------------------------------------------


# -- pay ---------------------------------------------------------------------
