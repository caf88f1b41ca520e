"""Member photos: the face staff compare with the person at the door.

A member changes or removes their own photo; the front desk and admins do it
for any member (at the counter, with the desk's camera). Files are written
before the transaction and removed again when it rolls back; the file a
change replaces is removed after commit.
"""

from flask_babel import gettext as _

from app.accounts.models import Role, User
from app.core import audit, uploads
from app.core.db import transaction
from app.core.errors import AccessDenied, DomainError
from app.core.permissions import DESK
from app.extensions import db


class PhotoError(DomainError):
    """A member photo was refused; the message says why."""


def _may_change(member_id: int, actor) -> None:
    """The member themself, the front desk and admins; AccessDenied for anyone else."""
    role = getattr(actor, "role", None)
    if role in DESK:
        return
    if role is Role.MEMBER and actor.id == member_id:
        return
    raise AccessDenied()


def _member(member_id: int, *, lock: bool = False) -> User:
    """The member's account (locked when `lock`); PhotoError when there is no such member."""
    # FOR NO KEY UPDATE: rows naming this user (audit entries) only take KEY SHARE
    user = db.session.get(
        User,
        member_id,
        with_for_update={"key_share": True} if lock else None,
        populate_existing=lock,
    )
    if user is None or not user.is_member:
        raise PhotoError(_("This member no longer exists."))
    return user


def change_member_photo(member_id: int, upload, *, actor) -> User:
    """Replace a member's photo with a 512×512 square made from `upload`.

    Raises AccessDenied unless `actor` is that member or desk staff,
    PhotoError for a missing member or (field "photo") a bad file; nothing
    is written then. The old file is removed after commit. Queues nothing.
    """
    _may_change(member_id, actor)
    _member(member_id)
    try:
        stored = uploads.store_photo(upload)
    except uploads.UploadError as exc:
        raise PhotoError(str(exc), field="photo") from exc

    def write() -> str | None:
        with transaction():
            member = _member(member_id, lock=True)
            old = member.photo_path
            member.photo_path = stored.path
            audit.record(
                "user.photo_changed",
                member,
                actor=actor,
                before={"photo_path": old},
                after={"photo_path": stored.path},
            )
        return old

    uploads.swap_in(stored, write)
    return _member(member_id)


def remove_member_photo(member_id: int, *, actor) -> User:
    """Take a member's photo down; without one, nothing changes.

    Raises AccessDenied unless `actor` is that member or desk staff,
    PhotoError for a missing member. The file is removed after commit.
    Queues nothing.
    """
    _may_change(member_id, actor)
    with transaction():
        member = _member(member_id, lock=True)
        old = member.photo_path
        if old is not None:
            member.photo_path = None
            audit.record(
                "user.photo_removed",
                member,
                actor=actor,
                before={"photo_path": old},
                after={"photo_path": None},
            )
    uploads.delete_file(old)
    return member
