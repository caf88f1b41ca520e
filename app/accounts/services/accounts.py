"""Account operations: sign-in, account admin, passwords.

Every function here is one transaction with its checks and audit entry;
emails go out by job after commit.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, text

from app.accounts import passwords
from app.accounts.models import EndedSignIn, Role, User, UserStatus, new_session_token
from app.accounts.sign_in import sign_in_lifetime
from app.core import audit, uploads
from app.core.db import is_sqlite, transaction
from app.core.errors import DomainError
from app.core.jobs import enqueue_after_commit
from app.core.models import utc_now
from app.core.permissions import ADMIN, DESK, require_role
from app.core.urls import external_url
from app.extensions import db
from app.notifications import services as notifications

PROFILE_FIELDS = ["email", "name", "phone", "role", "language", "status"]


class AccountError(DomainError):
    """An account rule said no; the message is shown to the user."""


def normalize_email(email: str) -> str:
    """The email as it is stored: trimmed and lower-cased. Writes nothing."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email, deleted or not, or None. Reads only."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    Unknown email, wrong password and inactive account all give None, after
    spending the same hashing time, so the answer tells an attacker nothing.
    Records the sign-in time. Raises nothing of its own; queues nothing.
    """
    user = find_user_by_email(email)
    ok = passwords.check_password(user.password_hash if user else None, password)
    if not ok or not user.is_active:
        return None
    with transaction():
        user.last_login_at = utc_now()
    return user


def end_sign_in(sign_in_id: str | None) -> None:
    """Sign out: this sign-in's session and remember-me cookies stop working;
    the account's other sign-ins go on. Raises nothing; queues nothing."""
    if not sign_in_id:
        return
    with transaction():
        if db.session.get(EndedSignIn, sign_in_id) is None:
            db.session.add(EndedSignIn(id=sign_in_id))


def sign_out_everywhere(user_id: int, *, actor) -> User:
    """End every sign-in of the account, on every device, by rotating its
    session token; audited. Raises AccountError for an account that is gone.
    Queues nothing."""
    with transaction():
        user = _locked_user(user_id)
        user.session_token = new_session_token()
        audit.record("user.signed_out_everywhere", user, actor=actor)
    return user


def purge_ended_sign_ins() -> int:
    """Daily: forget ended sign-ins older than any cookie they could be in
    (such sign-ins are refused by their age). Returns how many went."""
    with transaction():
        result = db.session.execute(
            delete(EndedSignIn).where(EndedSignIn.ended_at < utc_now() - sign_in_lifetime())
        )
    return result.rowcount


def _check_email_free(email: str, *, exclude_id: int | None = None) -> None:
    query = select(User.id).where(User.email == email)
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise AccountError(_("An account with this email already exists."), field="email")


def _may_create(actor, role: Role) -> None:
    """Admins create any account; the front desk creates members only."""
    require_role(actor, *(DESK if role is Role.MEMBER else ADMIN))


def create_account(*, email, name, role, phone=None, language=None, photo=None, actor) -> User:
    """Create an account and email it a temporary password (by job).

    `photo` (an upload, optional) becomes the member's photo. Raises
    AccessDenied unless `actor` is an admin, or front desk creating a
    member; AccountError when the email is taken or (field "photo") the
    photo is refused: nothing is written then. Queues the
    `accounts.send_temporary_password` job after commit.
    """
    _may_create(actor, role)
    email = normalize_email(email)
    _check_email_free(email)
    stored = _stored_photo(photo) if photo is not None else None
    created = []

    def write() -> None:
        with transaction():
            _check_email_free(email)
            user = User(
                email=email,
                name=name.strip(),
                phone=(phone or "").strip() or None,
                role=role,
                language=language or None,
                must_change_password=True,
                photo_path=stored.path if stored else None,
            )
            db.session.add(user)
            db.session.flush()
            audit.record(
                "user.created", user, actor=actor, after=audit.changes(user, PROFILE_FIELDS)
            )
            enqueue_after_commit(
                "accounts.send_temporary_password", user.id, notifications.new_key()
            )
        created.append(user)

    if stored is None:
        write()
    else:
        uploads.swap_in(stored, write)
    return created[0]


def _stored_photo(upload) -> uploads.StoredFile:
    try:
        return uploads.store_photo(upload)
    except uploads.UploadError as exc:
        raise AccountError(str(exc), field="photo") from exc


#: PostgreSQL advisory lock taken around the "last active admin" check
_ADMINS_LOCK = 0x43_55_50_4F_41_44  # "CUPOAD"


def _last_admin(user: User) -> bool:
    """True when `user` is the only active admin left.

    Two admins removing each other at once would each count the other as
    still there; the check is serialised (SQLite's write lock already does).
    """
    if user.role is not Role.ADMIN or not user.is_active:
        return False
    if not is_sqlite():
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADMINS_LOCK})
    admins = select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.status == UserStatus.ACTIVE, User.deleted_at.is_(None)
    )
    return db.session.scalar(admins) <= 1


def _locked_user(user_id: int) -> User:
    # FOR NO KEY UPDATE: audit and email rows naming this user (foreign keys)
    # take KEY SHARE locks, which FOR UPDATE would block, deadlocking two
    # admins who act on each other at once.
    user = db.session.get(
        User, user_id, with_for_update={"key_share": True}, populate_existing=True
    )
    if user is None or user.is_deleted:
        raise AccountError(_("This account no longer exists."))
    return user


def update_account(user_id: int, *, email, name, role, phone=None, language=None, actor) -> User:
    """Change an account's profile and role; a role change is audited apart
    and signs the user out everywhere.

    Raises AccessDenied unless `actor` is an admin, AccountError for a
    deleted or missing account, a taken email, or when the last admin would
    go. Queues nothing.
    """
    require_role(actor, *ADMIN)
    email = normalize_email(email)
    with transaction():
        user = _locked_user(user_id)
        _check_email_free(email, exclude_id=user.id)
        if role is not user.role and _last_admin(user):
            raise AccountError(_("The gym needs at least one active admin."), field="role")
        before = audit.changes(user, PROFILE_FIELDS)
        old_role = user.role
        user.email, user.name = email, name.strip()
        user.phone = (phone or "").strip() or None
        user.language = language or None
        user.role = role
        if role is not old_role:
            user.session_token = new_session_token()
            audit.record(
                "user.role_changed",
                user,
                actor=actor,
                before={"role": old_role.value},
                after={"role": role.value},
            )
        after = audit.changes(user, PROFILE_FIELDS)
        if before != after:
            audit.record("user.updated", user, actor=actor, before=before, after=after)
    return user


def set_account_status(user_id: int, status: UserStatus, *, actor) -> User:
    """Deactivate (signing the user out everywhere) or reactivate an account.

    Raises AccessDenied unless `actor` is an admin, AccountError for a
    deleted or missing account or when an admin would lock themselves or the
    gym out. Queues nothing.
    """
    require_role(actor, *ADMIN)
    with transaction():
        user = _locked_user(user_id)
        if status is UserStatus.INACTIVE:
            if user.id == actor.id:
                raise AccountError(_("You cannot deactivate your own account."))
            if _last_admin(user):
                raise AccountError(_("The gym needs at least one active admin."))
            user.session_token = new_session_token()
        if user.status is not status:
            user.status = status
            action = "user.deactivated" if status is UserStatus.INACTIVE else "user.reactivated"
            audit.record(action, user, actor=actor, after={"status": status.value})
    return user


def delete_account(user_id: int, *, actor) -> User:
    """Soft-delete an account: it can no longer sign in and leaves the lists.

    Raises AccessDenied unless `actor` is an admin, AccountError for one's
    own account, the last admin, or an account already gone. Queues nothing.
    """
    require_role(actor, *ADMIN)
    with transaction():
        user = _locked_user(user_id)
        if user.id == actor.id:
            raise AccountError(_("You cannot delete your own account."))
        if _last_admin(user):
            raise AccountError(_("The gym needs at least one active admin."))
        user.deleted_at = utc_now()
        user.session_token = new_session_token()
        audit.record("user.deleted", user, actor=actor, before=audit.changes(user, PROFILE_FIELDS))
    return user


def resend_temporary_password(user_id: int, *, actor) -> User:
    """Email a new temporary password (by job); the old one stops working then.

    Raises AccessDenied unless `actor` is an admin, AccountError for a
    deleted, missing or inactive account. Queues the
    `accounts.send_temporary_password` job after commit.
    """
    require_role(actor, *ADMIN)
    with transaction():
        user = _locked_user(user_id)
        if not user.is_active:
            raise AccountError(_("Reactivate the account before sending it a password."))
        audit.record("user.temporary_password_sent", user, actor=actor)
        enqueue_after_commit("accounts.send_temporary_password", user.id, notifications.new_key())
    return user


def send_reset_link(user_id: int, *, actor) -> User:
    """Email a password-reset link (by job) for staff, e.g. to a member at the desk.

    The account's password keeps working until the link is used. Raises
    AccessDenied unless `actor` is an admin, or front desk acting for a
    member; AccountError for a deleted, missing or inactive account. Queues
    the `accounts.send_password_reset` job after commit.
    """
    with transaction():
        user = _locked_user(user_id)
        require_role(actor, *(DESK if user.role is Role.MEMBER else ADMIN))
        if not user.is_active:
            raise AccountError(_("Reactivate the account before sending it a password."))
        audit.record("user.password_reset_sent", user, actor=actor)
        enqueue_after_commit("accounts.send_password_reset", user.email, notifications.new_key())
    return user


def send_temporary_password(user_id: int, key: str) -> None:
    """Job: set a fresh temporary password and email it, once per `key`.

    Does nothing for a missing or inactive account. Records the
    "temporary_password" email and sends it here (no job queued); raises
    the mail transport's error after recording it, so the job is retried.
    """
    email = notifications.email_by_key(key)
    if email is None:
        with transaction():
            user = db.session.get(User, user_id, with_for_update=True)
            if user is None or not user.is_active:
                return
            password = passwords.temporary_password()
            user.password_hash = passwords.hash_password(password)
            user.must_change_password = True
            email = notifications.record_email(
                user,
                "temporary_password",
                {
                    "name": user.name,
                    "email": user.email,
                    "password": password,
                    "login_url": external_url("accounts.login"),
                },
                key=key,
                secrets=["password"],
            )
    notifications.deliver_email(email.id)


def change_password(user_id: int, new_password: str, *, current_password=None, actor) -> User:
    """Set a new password, signing out other devices; audited and emailed.

    `current_password` is required unless the user must change a temporary
    one. Raises AccountError when it is wrong, the new one is the same, is
    the account's email or name or a common password, or
    the account is gone. Queues the "password_changed" email (sent by the
    notifications.deliver_email job) after commit.
    """
    with transaction():
        user = _locked_user(user_id)
        if not user.must_change_password and not passwords.check_password(
            user.password_hash, current_password or ""
        ):
            raise AccountError(_("Your current password is not correct."), field="current_password")
        if passwords.check_password(user.password_hash, new_password):
            raise AccountError(
                _("Choose a password different from the current one."), field="password"
            )
        _set_password(user, new_password)
        audit.record("user.password_changed", user, actor=actor)
        notifications.queue_email(user, "password_changed", {"name": user.name})
    return user


def _check_password_allowed(new_password: str, *, email: str, name: str) -> None:
    problem = passwords.password_problem(new_password, email=email, name=name)
    if problem is not None:
        raise AccountError(problem, field="password")


def _set_password(user: User, new_password: str) -> None:
    _check_password_allowed(new_password, email=user.email, name=user.name)
    user.password_hash = passwords.hash_password(new_password)
    user.must_change_password = False
    user.session_token = new_session_token()


def request_password_reset(email: str) -> None:
    """Ask for a reset link for `email`, whether or not an account has it.

    Known and unknown emails take the same path: the request only queues the
    `accounts.send_password_reset` job (after commit), which decides whether
    there is an account to email, so the answer and its timing tell nothing.
    Raises nothing of its own.
    """
    with transaction():
        enqueue_after_commit(
            "accounts.send_password_reset", normalize_email(email)[:254], notifications.new_key()
        )


def send_password_reset(email: str | int, key: str) -> None:
    """Job: email a one-hour, single-use reset link to the active account
    with `email`, once per `key`.

    Does nothing when no active account has that email (`email` may also be
    a user id, as jobs queued before the change carry). Records the
    "password_reset" email and sends it here (no job queued); raises the
    mail transport's error after recording it, so the job is retried.
    """
    sent = notifications.email_by_key(key)
    if sent is None:
        with transaction():
            if isinstance(email, int):
                user = db.session.get(User, email)
            else:
                user = find_user_by_email(email)
            if user is None or not user.is_active:
                return
            token = passwords.reset_token(user)
            url = external_url("accounts.reset_password", token=token)
            sent = notifications.record_email(
                user,
                "password_reset",
                {"name": user.name, "reset_url": url},
                key=key,
                secrets=["reset_url"],
            )
    notifications.deliver_email(sent.id)


def user_for_reset_token(token: str, *, lock: bool = False) -> User | None:
    """The active user a valid, unused, unexpired token belongs to, else None.

    Reads only (locking the row when `lock`); raises nothing.
    """
    payload = passwords.read_reset_token(token)
    if payload is None or not isinstance(payload.get("uid"), int):
        return None
    user = db.session.get(User, payload["uid"], with_for_update=lock, populate_existing=lock)
    if user is None or not user.is_active or not passwords.reset_token_matches(user, payload):
        return None
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link then stops working.

    Raises AccountError when the link is invalid, used or expired, or the
    password is the account's email or name or a common one. Queues
    nothing.
    """
    with transaction():
        user = user_for_reset_token(token, lock=True)
        if user is None:
            raise AccountError(_("This reset link is invalid or has expired. Ask for a new one."))
        _set_password(user, new_password)
        audit.record("user.password_reset", user, actor=user)
    return user


def set_language(user: User, language: str) -> None:
    """Remember the user's language choice. Raises nothing; queues nothing."""
    with transaction():
        db.session.get(User, user.id, with_for_update=True).language = language


def create_admin(*, email: str, name: str, password: str) -> User:
    """The first admin of a real install (`flask users create-admin`): an active
    admin with the given password.

    Raises AccountError for a bad email or name, a password of the wrong
    length, the email or name as password or a common one, or a taken
    email. Queues nothing.
    """
    email = normalize_email(email)
    if "@" not in email or not name.strip():
        raise AccountError(_("Enter a valid email address."))
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise AccountError(
            _(
                "Use between %(min)d and %(max)d characters.",
                min=passwords.MIN_LENGTH,
                max=passwords.MAX_LENGTH,
            )
        )
    _check_password_allowed(password, email=email, name=name)
    with transaction():
        _check_email_free(email)
        user = User(
            email=email,
            name=name.strip(),
            role=Role.ADMIN,
            password_hash=passwords.hash_password(password),
        )
        db.session.add(user)
        db.session.flush()
        audit.record("user.created", user, actor=None, after={"email": email, "role": "admin"})
    return user
