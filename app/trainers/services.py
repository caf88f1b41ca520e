"""Trainer operations: profiles, photos and certifications.

Admins create, edit, deactivate and reactivate trainers (pay rates are the
staff domain's, app.staff.services.pay); a trainer edits their own bio,
specialties, photo and certifications, never another trainer. Each operation is one transaction with
its checks and audit entries. Files are written before the transaction and
removed again when it rolls back; files a change replaces are removed after
commit.
"""

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.services import accounts
from app.core import audit, uploads
from app.core.db import transaction
from app.core.errors import AccessDenied, DomainError, NotYours
from app.core.models import utc_now
from app.core.permissions import ADMIN, DESK, require_role
from app.extensions import db
from app.trainers import queries
from app.trainers.models import Certification, ClientAssignment, ClientNote, Trainer

MAX_SPECIALTIES = 12
MAX_SPECIALTY_LENGTH = 40
MAX_BIO_LENGTH = 2000
MAX_CERTIFICATIONS = 20


class TrainerError(DomainError):
    """A trainer rule said no; the message is shown to the user."""


def normalize_specialties(labels: Iterable[str] | str | None) -> list[str]:
    """Trimmed, de-duplicated labels (case-insensitively, first spelling kept).

    A string is split on commas. Raises TrainerError for a label over 40
    characters or more than 12 labels. Writes nothing; queues nothing.
    """
    if isinstance(labels, str):
        labels = labels.split(",")
    cleaned, seen = [], set()
    for label in labels or ():
        label = " ".join(str(label).split())
        if not label or label.casefold() in seen:
            continue
        if len(label) > MAX_SPECIALTY_LENGTH:
            raise TrainerError(
                _(
                    "Keep each specialty to %(max)d characters: “%(label)s” is longer.",
                    max=MAX_SPECIALTY_LENGTH,
                    label=label[:MAX_SPECIALTY_LENGTH] + "…",
                ),
                field="specialties",
            )
        seen.add(label.casefold())
        cleaned.append(label)
    if len(cleaned) > MAX_SPECIALTIES:
        raise TrainerError(
            _("List at most %(max)d specialties.", max=MAX_SPECIALTIES), field="specialties"
        )
    return cleaned


def _clean_bio(bio: str | None) -> str:
    bio = (bio or "").strip()
    if len(bio) > MAX_BIO_LENGTH:
        raise TrainerError(_("Use at most %(max)d characters.", max=MAX_BIO_LENGTH), field="bio")
    return bio


def _may_edit(trainer: Trainer, actor) -> None:
    """Admins edit any trainer; a trainer only their own profile.

    Raises AccessDenied otherwise.
    """
    role = getattr(actor, "role", None)
    if role is Role.ADMIN:
        return
    if role is Role.TRAINER and trainer.user_id == actor.id:
        return
    raise AccessDenied(_("You are not allowed to do this."))


def _locked_trainer(trainer_id: int) -> Trainer:
    """The profile, its row locked for the rest of the transaction.

    Raises TrainerError when it does not exist or its account was deleted.
    """
    trainer = db.session.execute(
        select(Trainer)
        .where(Trainer.id == trainer_id)
        .with_for_update(key_share=True, of=Trainer)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if trainer is None or trainer.user.is_deleted:
        raise TrainerError(_("This trainer no longer exists."))
    return trainer


def _profile_snapshot(trainer: Trainer) -> dict:
    return {"bio": trainer.bio, "specialties": list(trainer.specialties or [])}


def _new_profile(user: User, *, actor, bio="", specialties=()) -> Trainer:
    trainer = Trainer(
        user=user,
        user_id=user.id,
        bio=bio,
        specialties=list(specialties),
        is_active=True,
    )
    db.session.add(trainer)
    db.session.flush()
    audit.record(
        "trainer.created",
        trainer,
        actor=actor,
        after={
            "user_id": user.id,
            **_profile_snapshot(trainer),
            "is_active": True,
        },
    )
    return trainer


def create_trainer(
    *,
    name,
    email,
    phone=None,
    language=None,
    bio="",
    specialties=(),
    actor,
) -> Trainer:
    """Create a trainer account and its profile; the account gets a temporary
    password by email.

    Raises AccessDenied unless `actor` is an admin, AccountError when the
    email is taken, TrainerError for bad profile values. Queues the
    `accounts.send_temporary_password` job (that email) after commit.
    """
    require_role(actor, *ADMIN)
    bio = _clean_bio(bio)
    specialties = normalize_specialties(specialties)
    with transaction():
        user = accounts.create_account(
            email=email, name=name, phone=phone, language=language, role=Role.TRAINER, actor=actor
        )
        trainer = _new_profile(
            user,
            actor=actor,
            bio=bio,
            specialties=specialties,
        )
    return trainer


def ensure_trainer_profile(user_id: int, *, actor) -> Trainer:
    """The profile of a trainer account, made (empty, active) if missing.

    For accounts made trainers on the People pages or by a role change.
    Admins may do it for any trainer account, a trainer for their own.
    Raises TrainerError when the account is not an existing trainer's,
    AccessDenied for anyone else. Queues nothing.
    """
    role = getattr(actor, "role", None)
    if not (role is Role.ADMIN or (role is Role.TRAINER and actor.id == user_id)):
        raise AccessDenied(_("You are not allowed to do this."))
    with transaction():
        user = db.session.get(
            User, user_id, with_for_update={"key_share": True}, populate_existing=True
        )
        if user is None or user.is_deleted or user.role is not Role.TRAINER:
            raise TrainerError(_("This account is not a trainer's."))
        trainer = db.session.scalar(select(Trainer).where(Trainer.user_id == user.id))
        if trainer is None:
            trainer = _new_profile(user, actor=actor)
    return trainer


def update_profile(trainer_id: int, *, bio, specialties, actor) -> Trainer:
    """Change a trainer's bio and specialties (admin, or the trainer themselves).

    Raises AccessDenied for another trainer's profile, TrainerError for
    bad values or a trainer that no longer exists. Queues nothing.
    """
    bio = _clean_bio(bio)
    specialties = normalize_specialties(specialties)
    with transaction():
        trainer = _locked_trainer(trainer_id)
        _may_edit(trainer, actor)
        before = _profile_snapshot(trainer)
        trainer.bio, trainer.specialties = bio, specialties
        after = _profile_snapshot(trainer)
        if before != after:
            audit.record("trainer.updated", trainer, actor=actor, before=before, after=after)
    return trainer


def update_trainer(trainer_id: int, *, name, email, phone=None, bio, specialties, actor) -> Trainer:
    """The admin edit: contact details (on the account) and profile at once.

    Raises AccessDenied unless `actor` is an admin, AccountError for a
    taken email, TrainerError for bad values or a trainer that no longer
    exists; nothing is saved then. Queues nothing.
    """
    require_role(actor, *ADMIN)
    _clean_bio(bio)
    normalize_specialties(specialties)
    with transaction():
        trainer = _locked_trainer(trainer_id)
        user = trainer.user
        accounts.update_account(
            user.id,
            email=email,
            name=name,
            phone=phone,
            role=user.role,
            language=user.language,
            actor=actor,
        )
        update_profile(trainer.id, bio=bio, specialties=specialties, actor=actor)
    return trainer


def set_trainer_active(trainer_id: int, active: bool, *, actor) -> Trainer:
    """Deactivate (no new classes; the account still signs in) or reactivate.

    Raises AccessDenied unless `actor` is an admin, TrainerError for a
    trainer that no longer exists. Queues nothing.
    """
    require_role(actor, *ADMIN)
    with transaction():
        trainer = _locked_trainer(trainer_id)
        if trainer.is_active is not active:
            trainer.is_active = active
            action = "trainer.reactivated" if active else "trainer.deactivated"
            audit.record(action, trainer, actor=actor, after={"is_active": active})
    return trainer


def _stored(store, upload, field: str) -> uploads.StoredFile:
    try:
        return store(upload)
    except uploads.UploadError as exc:
        raise TrainerError(str(exc), field=field) from exc


def change_photo(trainer_id: int, upload, *, actor) -> Trainer:
    """Replace a trainer's photo with a 512×512 square made from `upload`.

    The old file is removed after commit. Raises AccessDenied for another
    trainer's profile, TrainerError for a trainer that no longer exists or
    (field "photo") a bad file, in which case nothing is written. Queues
    nothing.
    """
    _may_edit(_existing(trainer_id), actor)
    stored = _stored(uploads.store_photo, upload, "photo")

    def write() -> str | None:
        with transaction():
            trainer = _locked_trainer(trainer_id)
            _may_edit(trainer, actor)
            user = trainer.user
            old = user.photo_path
            user.photo_path = stored.path
            audit.record(
                "trainer.photo_changed",
                trainer,
                actor=actor,
                before={"photo_path": old},
                after={"photo_path": stored.path},
            )
        return old

    uploads.swap_in(stored, write)
    return _existing(trainer_id)


def remove_photo(trainer_id: int, *, actor) -> Trainer:
    """Take a trainer's photo down; without one, nothing changes.

    Raises AccessDenied for another trainer's profile, TrainerError when
    the trainer no longer exists. The file is removed after commit. Queues
    nothing.
    """
    _may_edit(_existing(trainer_id), actor)
    with transaction():
        trainer = _locked_trainer(trainer_id)
        _may_edit(trainer, actor)
        user = trainer.user
        old = user.photo_path
        if old is not None:
            user.photo_path = None
            audit.record(
                "trainer.photo_removed",
                trainer,
                actor=actor,
                before={"photo_path": old},
                after={"photo_path": None},
            )
    uploads.delete_file(old)
    return trainer


def add_certification(trainer_id: int, *, title, upload, actor) -> Certification:
    """Attach a certificate (PDF, JPEG or PNG, at most 10 MB) to a trainer.

    Raises AccessDenied for another trainer's profile, TrainerError for a
    missing title (field "title"), a bad file or too many certificates
    (field "file"), or a trainer that no longer exists; nothing is written
    then. Queues nothing.
    """
    title = " ".join((title or "").split())
    if not title or len(title) > 120:
        raise TrainerError(_("Enter a title of at most 120 characters."), field="title")
    trainer = _existing(trainer_id)
    _may_edit(trainer, actor)
    _check_room_for_certification(trainer)
    stored = _stored(uploads.store_document, upload, "file")
    try:
        with transaction():
            trainer = _locked_trainer(trainer_id)
            _may_edit(trainer, actor)
            _check_room_for_certification(trainer)
            certification = Certification(
                trainer=trainer,
                title=title,
                file_path=stored.path,
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
            )
            db.session.add(certification)
            db.session.flush()
            audit.record(
                "trainer.certification_added",
                trainer,
                actor=actor,
                after=_certification_snapshot(certification),
            )
    except BaseException:
        uploads.delete_file(stored.path)
        raise
    return certification


def remove_certification(certification_id: int, *, actor) -> None:
    """Delete a certificate and, after commit, its file.

    Raises AccessDenied for another trainer's certificate, TrainerError
    when it or its trainer is already gone. Queues nothing.
    """
    with transaction():
        certification = db.session.get(
            Certification, certification_id, with_for_update=True, populate_existing=True
        )
        if certification is None:
            raise TrainerError(_("This certificate was already removed."))
        trainer = _locked_trainer(certification.trainer_id)
        _may_edit(trainer, actor)
        path = certification.file_path
        audit.record(
            "trainer.certification_removed",
            trainer,
            actor=actor,
            before=_certification_snapshot(certification),
        )
        db.session.delete(certification)
    uploads.delete_file(path)


def _check_room_for_certification(trainer: Trainer) -> None:
    held = db.session.scalar(
        select(func.count(Certification.id)).where(Certification.trainer_id == trainer.id)
    )
    if held >= MAX_CERTIFICATIONS:
        raise TrainerError(
            _("A trainer can keep at most %(max)d certificates.", max=MAX_CERTIFICATIONS),
            field="file",
        )


def _existing(trainer_id: int) -> Trainer:
    trainer = db.session.get(Trainer, trainer_id)
    if trainer is None or trainer.user.is_deleted:
        raise TrainerError(_("This trainer no longer exists."))
    return trainer


def _certification_snapshot(certification: Certification) -> dict:
    return {
        "certification_id": certification.id,
        "title": certification.title,
        "file_path": certification.file_path,
        "content_type": certification.content_type,
        "size_bytes": certification.size_bytes,
    }


def assign_trainer(member_id: int, trainer_id: int | None, *, actor) -> ClientAssignment | None:
    """Make `trainer_id` the member's assigned trainer (None: no one); desk and admins.

    Raises AccessDenied for other roles, TrainerError (field "trainer_id")
    for an unknown or inactive trainer, or a member that does not exist.
    Audited as "member.trainer_assigned" with the old and new trainer.
    """
    require_role(actor, *DESK)
    with transaction():
        member = db.session.get(User, member_id)
        if member is None or member.role is not Role.MEMBER or member.is_deleted:
            raise TrainerError(_("This member no longer exists."))
        assignment = db.session.get(ClientAssignment, member_id, with_for_update=True)
        before = assignment.trainer_id if assignment else None
        if trainer_id == before:
            return assignment
        if trainer_id is not None:
            trainer = db.session.get(Trainer, trainer_id)
            if trainer is None or not trainer.is_active or trainer.user.is_deleted:
                raise TrainerError(_("Choose an active trainer."), field="trainer_id")
        if trainer_id is None:
            db.session.delete(assignment)
            assignment = None
        elif assignment is None:
            assignment = ClientAssignment(
                member_id=member_id, trainer_id=trainer_id, assigned_by_id=actor.id
            )
            db.session.add(assignment)
        else:
            assignment.trainer_id, assignment.assigned_by_id = trainer_id, actor.id
            assignment.assigned_at = utc_now()
        db.session.flush()
        audit.record(
            "member.trainer_assigned",
            member,
            entity_type="Member",
            actor=actor,
            before={"trainer_id": before},
            after={"trainer_id": trainer_id},
        )
    return assignment


# --- private notes about clients ------------------------------------------------

#: characters in one note
NOTE_MAX = 4000


def _note_body(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise TrainerError(_("Write something first."), field="body")
    if len(text) > NOTE_MAX:
        raise TrainerError(
            _("Keep a note under %(count)d characters.", count=NOTE_MAX), field="body"
        )
    return text


def _own_trainer(actor) -> Trainer:
    trainer = db.session.scalar(select(Trainer).where(Trainer.user_id == actor.id))
    if trainer is None:
        raise NotYours()
    return trainer


def add_client_note(member_id: int, body: str, *, actor) -> ClientNote:
    """Keep a private note about one of the actor's clients.

    Raises NotYours (404) unless the actor is a trainer and the member their
    client; TrainerError (field "body") when it is empty or too long. Audited
    without its text (the note is the trainer's alone). Queues nothing.
    """
    with transaction():
        trainer = _own_trainer(actor)
        if not queries.is_client(trainer.id, member_id):
            raise NotYours()
        note = ClientNote(trainer_id=trainer.id, member_id=member_id, body=_note_body(body))
        db.session.add(note)
        db.session.flush()
        audit.record("client_note.added", note, actor=actor, after={"member_id": member_id})
    return note


def _own_note(note_id: int, actor) -> ClientNote:
    note = db.session.get(ClientNote, note_id, with_for_update=True)
    if note is None or note.trainer_id != _own_trainer(actor).id:
        raise NotYours()
    return note


def edit_client_note(note_id: int, body: str, *, actor) -> ClientNote:
    """Change the text of one of the actor's own notes.

    Raises NotYours (404) for another trainer's note or one that is gone;
    TrainerError (field "body") when empty or too long. Queues nothing.
    """
    with transaction():
        note = _own_note(note_id, actor)
        note.body, note.updated_at = _note_body(body), utc_now()
        audit.record("client_note.edited", note, actor=actor)
    return note


def delete_client_note(note_id: int, *, actor) -> None:
    """Delete one of the actor's own notes; NotYours (404) otherwise."""
    with transaction():
        note = _own_note(note_id, actor)
        audit.record("client_note.deleted", note, actor=actor, before={"member_id": note.member_id})
        db.session.delete(note)
