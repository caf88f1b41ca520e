"""Signing in and out, passwords, language."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.accounts import passwords
from app.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ResetPasswordForm,
)
from app.accounts.services import accounts
from app.accounts.sign_in import (
    current_sign_in_id,
    known_device_user_id,
    remember_device,
    start_sign_in,
)
from app.core.errors import DomainError
from app.core.forms import apply_error
from app.core.i18n import LANGUAGE_COOKIE
from app.core.limits import failed, write_limit
from app.core.navigation import home_for, safe_next
from app.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_email_key() -> str:
    return "email:" + accounts.normalize_email(request.form.get("email", ""))[:254]


def _known_device_for_email() -> bool:
    """True when this browser signed in before as the account with the posted
    email: the per-email limit does not apply to it (the per-IP one does)."""
    device_user_id = known_device_user_id()
    if device_user_id is None:
        return False
    user = accounts.find_user_by_email(request.form.get("email", ""))
    return user is not None and user.id == device_user_id


def _limit(name: str):
    return lambda: current_app.config[name]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(
    _limit("LOGIN_LIMIT_PER_EMAIL"),
    methods=["POST"],
    key_func=_login_email_key,
    deduct_when=lambda response: response.status_code != 302,  # only failures count
    exempt_when=_known_device_for_email,  # knowing the email can't lock its owner out
)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The email or password is not correct."))
        else:
            next_url = safe_next(request.args.get("next"))
            session.clear()  # a fresh session at sign-in: no fixation
            start_sign_in(user, remember=form.remember.data)
            response = redirect(next_url or home_for(user))
            remember_device(response, user)
            return response
    return render_template("accounts/public/login.html", form=form)


def _forget_copies(response):
    """The browser drops the private pages it kept (the member app's offline
    copies in its own caches go too: static/js/app.js on the next page)."""
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.post("/logout")
@login_required
def logout():
    accounts.end_sign_in(current_sign_in_id())  # its cookies stop working anywhere
    session.clear()
    logout_user()  # after clear(): it marks the "remember me" cookie for deletion
    flash(_("You have signed out."), "info")
    return _forget_copies(redirect(url_for("accounts.login")))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    accounts.sign_out_everywhere(current_user.id, actor=current_user)
    session.clear()
    logout_user()
    flash(_("You have signed out on every device."), "info")
    return _forget_copies(redirect(url_for("accounts.login")))


@bp.route("/password/change", methods=["GET", "POST"])
@login_required
@write_limit("PASSWORD_CHANGE_LIMIT", deduct_when=failed)  # guesses of the current one
def change_password():
    form = ChangePasswordForm()
    forced = current_user.must_change_password
    if form.validate_on_submit():
        try:
            user = accounts.change_password(
                current_user.id,
                form.password.data,
                current_password=form.current_password.data,
                actor=current_user,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            start_sign_in(user)  # the session token rotated; keep this device in
            flash(_("Your password was changed."), "success")
            return redirect(home_for(user))
    return render_template(
        "accounts/public/change_password.html",
        form=form,
        forced=forced,
        min_password_length=passwords.MIN_LENGTH,
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_LIMIT"), methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(
            _("If an account uses that email, we have sent it a link to choose a new password."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/public/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_LIMIT"), methods=["POST"])
def reset_password(token: str):
    if accounts.user_for_reset_token(token) is None:
        flash(_("This reset link is invalid or has expired. Ask for a new one."), "danger")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("Your password was changed. Sign in with it now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/public/reset_password.html", form=form)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        return redirect(safe_next(request.referrer) or url_for("public.index"))
    if current_user.is_authenticated:
        accounts.set_language(current_user, form.language.data)
    response = redirect(safe_next(request.form.get("next")) or url_for("public.index"))
    response.set_cookie(
        LANGUAGE_COOKIE,
        form.language.data,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
    )
    return response
