"""The admins' pages for accounts: list, create, edit, status, delete, passwords."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.accounts.forms import UserFilterForm, UserForm
from app.accounts.models import Role, User, UserStatus
from app.accounts.queries import search_users
from app.accounts.services import accounts
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.inputs import page_arg
from app.core.limits import write_limit
from app.core.permissions import ADMIN, get_or_404, roles_required

bp = Blueprint("users_admin", __name__, url_prefix="/admin/users")


def _form_values(form: UserForm) -> dict:
    return {
        "email": form.email.data,
        "name": form.name.data,
        "phone": form.phone.data,
        "role": Role(form.role.data),
        "language": form.language.data,
    }


@bp.get("/")
@roles_required(*ADMIN)
def index():
    filters = UserFilterForm(request.args)
    filters.validate()
    page = page_arg()
    users = search_users(
        q="" if filters.q.errors else (filters.q.data or ""),
        role=filters.role.data or "",
        status=filters.status.data or "",
        page=max(page, 1),
    )
    return render_template("accounts/staff/users.html", users=users, filters=filters)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
@write_limit("USER_CREATION_LIMIT", scope="user-creation")
def create():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_account(**_form_values(form), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(
                _(
                    "Account created. A temporary password was emailed to %(email)s.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("users_admin.edit", user_id=user.id))
    return render_template("accounts/staff/user_form.html", form=form, user=None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit(user_id: int):
    user = get_or_404(User, user_id)
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    if request.method == "GET":
        form.role.data, form.language.data = user.role.value, user.language or ""
    if form.validate_on_submit():
        try:
            accounts.update_account(user.id, **_form_values(form), actor=current_user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("users_admin.edit", user_id=user.id))
    return render_template(
        "accounts/staff/user_form.html", form=form, user=user, action_form=FlaskForm()
    )


def _action(user_id: int, operation, message: str):
    get_or_404(User, user_id)
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
    else:
        try:
            operation(user_id, actor=current_user)
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(message, "success")
    return redirect(url_for("users_admin.edit", user_id=user_id))


@bp.post("/<int:user_id>/deactivate")
@roles_required(*ADMIN)
def deactivate(user_id: int):
    def operation(uid, actor):
        return accounts.set_account_status(uid, UserStatus.INACTIVE, actor=actor)

    return _action(user_id, operation, _("The account was deactivated."))


@bp.post("/<int:user_id>/reactivate")
@roles_required(*ADMIN)
def reactivate(user_id: int):
    def operation(uid, actor):
        return accounts.set_account_status(uid, UserStatus.ACTIVE, actor=actor)

    return _action(user_id, operation, _("The account was reactivated."))


@bp.post("/<int:user_id>/resend-password")
@roles_required(*ADMIN)
def resend_password(user_id: int):
    return _action(
        user_id, accounts.resend_temporary_password, _("A new temporary password was emailed.")
    )


@bp.post("/<int:user_id>/delete")
@roles_required(*ADMIN)
def delete(user_id: int):
    response = _action(user_id, accounts.delete_account, _("The account was deleted."))
    if get_or_404(User, user_id, include_deleted=True).is_deleted:
        return redirect(url_for("users_admin.index"))
    return response
