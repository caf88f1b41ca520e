"""A trainer's own availability, leave and pay (`staff_trainer`, /trainer).

Thin: load (404), check (403), validate, call one service, render.
"""

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.i18n import gym_today
from app.core.inputs import page_arg
from app.core.permissions import ensure, get_or_404, roles_required
from app.staff.models import PayStatement
from app.staff.queries.pay import finals_of_trainer, month_to_date_estimate
from app.staff.services import pay_documents
from app.trainers.queries import trainer_for_user

bp = Blueprint("staff_trainer", __name__, url_prefix="/trainer")


# -- availability and 1:1 slots ----------------------------------------------


# -- leave, approval and cover -----------------------------------------------


# -- pay ---------------------------------------------------------------------


@bp.get("/pay")
@roles_required(Role.TRAINER)
def pay():
    """The trainer's final statements, newest first, and this month so far."""
    trainer = trainer_for_user(current_user.id)
    return render_template(
        "staff/pay/trainer_pay.html",
        trainer=trainer,
        pagination=finals_of_trainer(trainer.id, page_arg()) if trainer else None,
        estimate=month_to_date_estimate(trainer.id, gym_today()) if trainer else None,
    )


@bp.get("/pay/<int:statement_id>.pdf")
@roles_required(Role.TRAINER)
def pay_pdf(statement_id: int):
    """One of the trainer's own final statements; anyone else's, or a draft, is a 404."""
    statement = get_or_404(PayStatement, statement_id)
    trainer = trainer_for_user(current_user.id)
    ensure(trainer is not None and statement.trainer_id == trainer.id and statement.is_final)
    try:
        data = pay_documents.statement_pdf(statement)
    except pay_documents.StatementRenderError:
        flash(_("This document isn't ready yet. Please try again in a few minutes."), "warning")
        return redirect(url_for("staff_trainer.pay"))
    return send_file(
        BytesIO(data),
        mimetype="application/pdf",
        download_name=pay_documents.file_name(statement),
        as_attachment=False,
        max_age=0,
    )
