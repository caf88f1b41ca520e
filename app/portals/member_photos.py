"""The desk's photo of a member (/admin/members/<id>/photo), taken at the counter.

A portal page: the photo is kept by accounts, its card lives on the staff
member page (`member_page.show`, and the attendance page); the member's own photo is
posted from their profile (members.photo). Thin: load (404), call one
service, redirect back with a flash, or show the page again with the error.
"""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.forms import MemberPhotoForm
from app.accounts.queries import member_or_404
from app.accounts.services.photos import PhotoError, change_member_photo, remove_member_photo
from app.core.forms import apply_error
from app.core.limits import upload_limit
from app.core.permissions import DESK, roles_required
from app.portals.member_page import member_page

bp = Blueprint("member_photos", __name__, url_prefix="/admin/members")


def _back(member_id: int):
    return redirect(url_for("member_page.show", member_id=member_id))


@bp.post("/<int:member_id>/photo", endpoint="change")
@roles_required(*DESK)
@upload_limit()
def change(member_id: int):
    member = member_or_404(member_id)
    form = MemberPhotoForm()
    if form.validate_on_submit():
        try:
            change_member_photo(member.id, form.photo.data, actor=current_user)
        except PhotoError as exc:
            if exc.field is None:  # the member went away meanwhile
                abort(404)
            apply_error(form, exc)
        else:
            flash(_("Photo of %(name)s updated.", name=member.name), "success")
            return _back(member.id)
    return member_page(member, photo_form=form)


@bp.post("/<int:member_id>/photo/remove", endpoint="remove")
@roles_required(*DESK)
def remove(member_id: int):
    member = member_or_404(member_id)
    try:
        remove_member_photo(member.id, actor=current_user)
    except PhotoError:
        abort(404)
    flash(_("Photo of %(name)s removed.", name=member.name), "success")
    return _back(member.id)
