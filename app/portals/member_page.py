"""One member, for staff: `/admin/members/<id>` (the hub), and the desk's
walk-in sign-up, `/admin/members/new`.

A portal page: it composes accounts (profile, photo), memberships (plan,
credits), booking (upcoming bookings, waitlist places, strikes), attendance
(today's check-in, recent classes) and billing (payments, invoices), each
read through that domain's queries in a fixed number of statements. Its
buttons call the domains' services (book, check in, email a reset link) and
come back here; cancelling a booking posts to `booking_staff.cancel` with
`next` pointing here. Front desk and admins only; a staff account or a
deleted member is a 404.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from app.accounts.forms import STATUS_LABELS, MemberPhotoForm, MemberSignUpForm
from app.accounts.models import Role, User
from app.accounts.queries import member_or_404
from app.accounts.services import accounts
from app.attendance import queries as attendance
from app.attendance import services as check_ins
from app.attendance.views.member import history_helpers
from app.billing.queries.payments import my_payments
from app.billing.services.documents import METHOD_LABELS
from app.booking.forms import REFUND_LABELS, PickSessionForm, StaffCancelForm
from app.booking.models import Booking
from app.booking.queries import desk as booking
from app.booking.queries.member import upcoming_bookings
from app.booking.services.bookings import book_now
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import LANGUAGE_NAMES, short_datetime
from app.core.limits import upload_limit, write_limit
from app.core.models import utc_now
from app.core.permissions import DESK, ensure, get_or_404, roles_required
from app.memberships import queries as memberships
from app.memberships.views import page_labels
from app.trainers import services as trainers
from app.trainers.forms import AssignTrainerForm
from app.trainers.queries import active_trainer_choices, assigned_trainer
from app.trainers.views.staff import photo_url

bp = Blueprint("member_page", __name__, url_prefix="/admin/members")
#: recent classes and payments shown; the full lists are a link away
RECENT = 5


def member_page_helpers() -> dict:
    """Labels and helpers of the page, also when another blueprint renders it
    (the photo form coming back with an error)."""
    return {
        **page_labels(),
        **history_helpers(),
        "photo_url": photo_url,
        "method_labels": METHOD_LABELS,
        "Role": Role,
        "language_names": LANGUAGE_NAMES,
        "user_status_labels": STATUS_LABELS,
    }


def _book_form(form: PickSessionForm | None = None) -> PickSessionForm:
    form = form or PickSessionForm(formdata=None)
    form.session_id.set_options(
        [
            (cs.id, f"{short_datetime(cs.starts_at)} · {cs.class_type.name}")
            for cs in booking.bookable_sessions(utc_now())
        ]
    )
    return form


def _trainer_form(member: User, form: AssignTrainerForm | None = None) -> AssignTrainerForm:
    if form is None:
        current = assigned_trainer(member.id)
        form = AssignTrainerForm(formdata=None, trainer_id=current.id if current else None)
    form.trainer_id.set_options(active_trainer_choices())
    return form


def member_page(
    member: User, *, photo_form=None, book_form=None, trainer_form=None, status: int = 200
):
    """The page; forms that came back with errors are shown as they are."""
    now = utc_now()
    cancel_form = StaffCancelForm(formdata=None)
    cancel_form.next.data = url_for("member_page.show", member_id=member.id)
    html = render_template(
        "portals/member_page/show.html",
        member=member,
        now=now,
        snapshot=memberships.member_snapshot(member.id),
        lots=memberships.live_lots(member.id),
        upcoming=upcoming_bookings(member.id, now, limit=booking.UPCOMING_SHOWN),
        waitlist=booking.waitlist_places(member.id, now),
        strikes=booking.strikes_of(member.id, now),
        todays=attendance.todays_classes(member.id, now),
        summary=attendance.member_summary(member.id, now),
        history=attendance.member_history(member.id, now, per_page=RECENT),
        payments=my_payments(member.id, per_page=RECENT),
        photo_form=photo_form or MemberPhotoForm(formdata=None),
        photo_action=url_for("member_photos.change", member_id=member.id),
        photo_remove_action=url_for("member_photos.remove", member_id=member.id),
        photo_capture="environment",
        photo_intro=_l("Take the member's photo at the counter: staff compare it at check-in."),
        book_form=_book_form(book_form),
        trainer_form=_trainer_form(member, trainer_form),
        cancel_form=cancel_form,
        refund_labels=REFUND_LABELS,
        **member_page_helpers(),
    )
    return html, status


def _back(member: User):
    return redirect(url_for("member_page.show", member_id=member.id), code=303)


@bp.get("/<int:member_id>", endpoint="show")
@roles_required(*DESK)
def show(member_id: int):
    return member_page(member_or_404(member_id))


@bp.post("/<int:member_id>/book", endpoint="book")
@roles_required(*DESK)
def book(member_id: int):
    member = member_or_404(member_id)
    form = _book_form(PickSessionForm())
    if form.validate_on_submit():
        try:
            booked = book_now(
                form.session_id.data, member, actor=current_user, overlap_ok=form.overlap_ok()
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(
                _(
                    "%(name)s is booked into %(class)s.",
                    name=member.name,
                    **{"class": booked.session.class_type.name},
                ),
                "success",
            )
            return _back(member)
    return member_page(member, book_form=form, status=400)


@bp.post("/<int:member_id>/trainer", endpoint="assign_trainer")
@roles_required(*DESK)
def assign_trainer(member_id: int):
    """Set or clear the member's assigned trainer (audited by the service)."""
    member = member_or_404(member_id)
    form = _trainer_form(member, AssignTrainerForm())
    if form.validate_on_submit():
        try:
            trainers.assign_trainer(member.id, form.trainer_id.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Assigned trainer saved."), "success")
            return _back(member)
    return member_page(member, trainer_form=form, status=400)


@bp.post("/<int:member_id>/bookings/<int:booking_id>/check-in", endpoint="check_in")
@roles_required(*DESK)
def check_in(member_id: int, booking_id: int):
    member = member_or_404(member_id)
    booking_row = get_or_404(Booking, booking_id)
    ensure(booking_row.member_id == member.id)
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
        return _back(member)
    try:
        done = check_ins.check_in(booking_row.id, actor=current_user)
    except DomainError as exc:
        flash(str(exc), "danger")
    else:
        if done.is_late:
            flash(_("%(name)s is checked in, late.", name=member.name), "success")
        else:
            flash(_("%(name)s is checked in.", name=member.name), "success")
    return _back(member)


@bp.post("/<int:member_id>/password-reset", endpoint="reset_password")
@roles_required(*DESK)
def reset_password(member_id: int):
    member = member_or_404(member_id)
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
        return _back(member)
    try:
        accounts.send_reset_link(member.id, actor=current_user)
    except DomainError as exc:
        flash(str(exc), "danger")
    else:
        flash(
            _("A link to choose a new password was emailed to %(email)s.", email=member.email),
            "success",
        )
    return _back(member)


# ---- a walk-in signs up at the desk ----------------------------------------


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@roles_required(*DESK)
@upload_limit()
@write_limit("USER_CREATION_LIMIT", scope="user-creation")
def new():
    """Create the walk-in's member account, then go on to sell them a plan or pack."""
    form = MemberSignUpForm()
    if form.validate_on_submit():
        try:
            member = accounts.create_account(
                email=form.email.data,
                name=form.name.data,
                role=Role.MEMBER,
                phone=form.phone.data,
                language=form.language.data,
                photo=form.photo.data,
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(
                _(
                    "Account created for %(name)s. A temporary password was emailed to "
                    "%(email)s. Now sell them a plan or a class pack.",
                    name=member.name,
                    email=member.email,
                ),
                "success",
            )
            return redirect(url_for("billing_desk.new_payment", member_id=member.id), code=303)
    return render_template("portals/member_page/new.html", form=form)
