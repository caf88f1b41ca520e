"""A trainer's clients: `/trainer/clients` (the list) and one client's page.

A portal page: it composes accounts (contact, photo), memberships (plan,
credits), attendance (rate, no-shows, last visit, history), programs (the
active one; programs, adherence, progress and logs) and the trainer's
private notes, each read in a fixed number of statements. A member who is not
the signed-in trainer's client is a 404, as is another trainer's note; the
desk and members get 403 (trainers, and admins who also teach, only).
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.attendance import queries as attendance
from app.attendance.views.member import history_helpers
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import gym_today
from app.core.inputs import page_arg
from app.core.models import utc_now
from app.core.permissions import TRAINERS, ensure, get_or_404, roles_required
from app.memberships import queries as memberships
from app.memberships.ledger import format_credits
from app.memberships.views import page_labels
from app.programs.queries import active_program_names, client_programs_overview
from app.trainers import services
from app.trainers.forms import ClientNoteForm
from app.trainers.models import ClientNote, Trainer
from app.trainers.queries import client_notes, clients_page, is_client, trainer_for_user
from app.trainers.views import form_expired
from app.trainers.views.staff import photo_url

bp = Blueprint("trainer_clients", __name__, url_prefix="/trainer/clients")

#: how far back the list's attendance rate and no-shows look
RECENT = timedelta(days=90)


@bp.context_processor
def _helpers() -> dict:
    return {
        **page_labels(),
        **history_helpers(),
        "photo_url": photo_url,
        "format_credits": format_credits,
    }


@dataclass
class ClientRow:
    """One line of the list."""

    member: User
    plan: memberships.PlanBadge | None
    credits_cc: int
    visits: attendance.VisitStats
    #: the name of their active program, if any
    program: str | None


def _trainer() -> Trainer | None:
    return trainer_for_user(current_user.id)


def _client_or_404(trainer: Trainer | None, member_id: int) -> User:
    """The member if they are the trainer's client; NotYours (404) otherwise."""
    ensure(trainer is not None and is_client(trainer.id, member_id))
    return get_or_404(User, member_id)


@bp.get("/", endpoint="index")
@roles_required(*TRAINERS)
def index():
    """Paginated, searchable: photo, plan and status, credits, last visit,
    attendance rate and no-shows (last 90 days), active program. Six
    statements a page."""
    trainer = _trainer()
    q = request.args.get("q", "")[:100]
    pagination, rows = None, []
    if trainer is not None:
        pagination = clients_page(trainer.id, q, page_arg())
        ids = [member.id for member in pagination.items]
        now = utc_now()
        plans = memberships.plan_badges(ids)
        credits = memberships.balances(ids, now)
        visits = attendance.visit_stats(ids, now, now - RECENT)
        programs = active_program_names(ids)
        rows = [
            ClientRow(m, plans.get(m.id), credits.get(m.id, 0), visits[m.id], programs.get(m.id))
            for m in pagination.items
        ]
    return render_template(
        "portals/trainers/clients.html", trainer=trainer, pagination=pagination, rows=rows, q=q
    )


def _client_page(trainer: Trainer, member: User, form: ClientNoteForm | None = None, status=200):
    now = utc_now()
    return render_template(
        "portals/trainers/client.html",
        member=member,
        snapshot=memberships.member_snapshot(member.id),
        summary=attendance.member_summary(member.id, now),
        history=attendance.member_history(member.id, now, page=1, per_page=10),
        notes=client_notes(trainer.id, member.id),
        overview=client_programs_overview(trainer.id, member.id, gym_today()),
        form=form or ClientNoteForm(formdata=None),
    ), status


@bp.get("/<int:member_id>", endpoint="show")
@roles_required(*TRAINERS)
def show(member_id: int):
    trainer = _trainer()
    return _client_page(trainer, _client_or_404(trainer, member_id))


@bp.post("/<int:member_id>/notes", endpoint="add_note")
@roles_required(*TRAINERS)
def add_note(member_id: int):
    trainer = _trainer()
    member = _client_or_404(trainer, member_id)
    form = ClientNoteForm()
    if form.validate_on_submit():
        try:
            services.add_client_note(member.id, form.body.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Note saved."), "success")
            return redirect(url_for("trainer_clients.show", member_id=member.id) + "#notes")
    return _client_page(trainer, member, form, status=422)


def _own_note_or_404(trainer: Trainer | None, member_id: int, note_id: int) -> ClientNote:
    note = get_or_404(ClientNote, note_id)
    ensure(trainer is not None and note.trainer_id == trainer.id and note.member_id == member_id)
    return note


@bp.post("/<int:member_id>/notes/<int:note_id>", endpoint="edit_note")
@roles_required(*TRAINERS)
def edit_note(member_id: int, note_id: int):
    trainer = _trainer()
    member = _client_or_404(trainer, member_id)
    note = _own_note_or_404(trainer, member.id, note_id)
    form = ClientNoteForm()
    if form.validate_on_submit():
        try:
            services.edit_client_note(note.id, form.body.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Note saved."), "success")
            return redirect(url_for("trainer_clients.show", member_id=member.id) + "#notes")
    flash(" ".join(form.body.errors or form.form_errors) or _("The note was not saved."), "danger")
    return redirect(url_for("trainer_clients.show", member_id=member.id) + "#notes")


@bp.post("/<int:member_id>/notes/<int:note_id>/delete", endpoint="delete_note")
@roles_required(*TRAINERS)
def delete_note(member_id: int, note_id: int):
    trainer = _trainer()
    member = _client_or_404(trainer, member_id)
    note = _own_note_or_404(trainer, member.id, note_id)
    if not form_expired():
        services.delete_client_note(note.id, actor=current_user)
        flash(_("Note deleted."), "success")
    return redirect(url_for("trainer_clients.show", member_id=member.id) + "#notes")
