"""The member app (phone-first PWA)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.forms import MemberPhotoForm
from app.accounts.services.photos import change_member_photo, remove_member_photo
from app.attendance.queries import checkin_pass, next_booking
from app.booking.queries.member import waitlist_offers
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.headers import offline_ready
from app.core.limits import upload_limit
from app.core.models import utc_now
from app.core.permissions import MEMBERS, roles_required
from app.memberships.queries import member_snapshot

bp = Blueprint("members", __name__, url_prefix="/app")


@bp.get("/")
@offline_ready
@roles_required(*MEMBERS)
def home():
    """Greets the member; a spot the waitlist offers them comes first (it
    runs out in minutes), then their next class, QR and all, for the door.
    The shop card says what the member can do there: join, renew or top up."""
    now = utc_now()
    booking = next_booking(current_user.id, now)
    card = checkin_pass(booking, now) if booking is not None else None
    return render_template(
        "portals/members/home.html",
        card=card,
        snapshot=member_snapshot(current_user.id),
        offers=waitlist_offers(current_user.id, now),
        now=now,
    )


def _profile_page(photo_form=None):
    return render_template(
        "portals/members/profile.html",
        person=current_user,
        photo_form=photo_form or MemberPhotoForm(formdata=None),
        photo_action=url_for("members.photo"),
        photo_remove_action=url_for("members.remove_photo"),
        photo_capture="user",
        photo_intro=_("Staff use it to recognise you at check-in."),
    )


@bp.get("/profile")
@roles_required(*MEMBERS)
def profile():
    return _profile_page()


@bp.post("/profile/photo", endpoint="photo")
@roles_required(*MEMBERS)
@upload_limit()
def photo():
    """The member's own photo; there is no URL for anyone else's."""
    form = MemberPhotoForm()
    if form.validate_on_submit():
        try:
            change_member_photo(current_user.id, form.photo.data, actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Photo updated."), "success")
            return redirect(url_for("members.profile"))
    return _profile_page(photo_form=form)


@bp.post("/profile/photo/remove", endpoint="remove_photo")
@roles_required(*MEMBERS)
def remove_photo():
    try:
        remove_member_photo(current_user.id, actor=current_user)
    except DomainError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Photo removed."), "success")
    return redirect(url_for("members.profile"))
