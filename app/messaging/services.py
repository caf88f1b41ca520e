"""Messaging operations: send, read, report, and the staff's answers to reports.

Each is one transaction with its checks. A message's files are checked and
written before the transaction and removed again when anything refuses or
rolls back, so a refused message leaves neither a row nor a file. People
are told through `signals.tell` (the notifications domain records it in the
same transaction); staff's answers to reports are audited.
"""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role, User, UserStatus
from app.core import audit, signals, uploads
from app.core.db import transaction
from app.core.errors import AccessDenied, DomainError, NotYours
from app.core.models import utc_now
from app.core.permissions import ADMIN, require_role
from app.extensions import db
from app.messaging import queries
from app.messaging.models import (
    Message,
    MessageAttachment,
    MessageReport,
    MessageThread,
    ReportStatus,
)
from app.trainers.models import Trainer

MAX_TEXT = 2000
MAX_ATTACHMENTS = 3
MAX_REASON = 500
#: characters of a message shown in a notification
PREVIEW = 80
#: the email of a message waits this long and is dropped if it was read meanwhile
EMAIL_AFTER_SECONDS = 600


class MessagingError(DomainError):
    """A messaging rule said no; the message is shown to the user."""


def thread_group(thread_id: int) -> str:
    """The notifications group of a thread: its items are read together."""
    return f"thread-{thread_id}"


def thread_url(thread: MessageThread, user_id: int) -> str:
    """Where `user_id` (the member or the trainer) opens the thread."""
    if user_id == thread.member_id:
        return url_for("messaging_member.thread", thread_id=thread.id)
    return url_for("messaging_trainer.thread", thread_id=thread.id)


def not_allowed_reason() -> str:
    return _(
        "You can write only to your assigned trainer, or to the trainers and members "
        "of classes booked in the last 60 days or coming up."
    )


def read_only_reason(thread: MessageThread) -> str | None:
    """Why nobody may write in this thread any more, or None."""
    if thread.is_closed:
        return _("Staff closed this conversation: it is read-only.")
    if not thread.trainer.is_active:
        return _("This trainer no longer teaches at the gym: the conversation is read-only.")
    return None


def trainer_of(user) -> Trainer:
    """The acting trainer's profile; AccessDenied for someone without one."""
    trainer = db.session.scalar(select(Trainer).where(Trainer.user_id == user.id))
    if trainer is None:
        raise AccessDenied(_("Your trainer profile is not set up yet. Ask an admin."))
    return trainer


def thread_for(thread_id: int, user) -> MessageThread:
    """The thread, when `user` is one of its two people; NotYours (404) otherwise."""
    thread = db.session.get(MessageThread, thread_id)
    if thread is None or not thread.has_person(user.id):
        raise NotYours()
    return thread


def _clean_text(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise MessagingError(_("Keep a message to %(max)d characters.", max=MAX_TEXT), field="text")
    return text


def _chosen(files) -> list:
    """The files actually chosen (a browser sends one empty part for none)."""
    return [f for f in files or () if f is not None and getattr(f, "filename", None)]


def _store_all(files) -> list[tuple[uploads.StoredFile, str]]:
    """Check and write every file; on any refusal remove those already written."""
    stored = []
    try:
        for upload in files:
            stored.append((uploads.store_attachment(upload), _display_name(upload.filename)))
    except uploads.UploadError as exc:
        _remove(stored)
        raise MessagingError(
            _("%(name)s: %(problem)s", name=_display_name(upload.filename), problem=str(exc)),
            field="attachments",
        ) from exc
    except BaseException:
        _remove(stored)
        raise
    return stored


def _remove(stored) -> None:
    for file, _name in stored:
        uploads.delete_file(file.path)


def _display_name(filename: str | None) -> str:
    name = "".join(ch for ch in (filename or "") if ch.isprintable()).strip()
    return name.replace("/", "_").replace("\\", "_")[-120:] or "file"


def _parties(sender, *, thread_id, trainer_id, member_id) -> tuple[int, Trainer]:
    """(member id, trainer) of the conversation `sender` writes in."""
    if thread_id is not None:
        thread = thread_for(thread_id, sender)
        return thread.member_id, thread.trainer
    if sender.role is Role.MEMBER:
        trainer = db.session.get(Trainer, trainer_id) if trainer_id else None
        if trainer is None:
            raise MessagingError(_("Choose a trainer."), field="recipient")
        return sender.id, trainer
    if sender.role is Role.TRAINER:
        member = db.session.get(User, member_id) if member_id else None
        if member is None or member.role is not Role.MEMBER or member.is_deleted:
            raise MessagingError(_("Choose a member."), field="recipient")
        return member.id, trainer_of(sender)
    raise AccessDenied()


def send_message(
    sender,
    *,
    text: str | None,
    files=(),
    thread_id: int | None = None,
    trainer_id: int | None = None,
    member_id: int | None = None,
) -> Message:
    """Send `text` and up to three files from `sender` (a member or trainer),
    into thread `thread_id`, or to `trainer_id` (a member writing) or
    `member_id` (a trainer writing), starting their thread when there is none.

    Raises NotYours (404) for another person's thread, AccessDenied (403,
    with the reason) when the two may not talk, MessagingError for an empty
    or too long text, too many or bad files (field "attachments"), a closed
    thread or an inactive trainer. Nothing is saved when it raises: no row,
    no file. Tells the other person ("message_received"; push at once, the
    email only if still unread after ten minutes, one per thread until read).
    """
    if sender.role not in (Role.MEMBER, Role.TRAINER):
        raise AccessDenied()
    member_id, trainer = _parties(
        sender, thread_id=thread_id, trainer_id=trainer_id, member_id=member_id
    )
    now = utc_now()
    if not trainer.is_active:
        raise MessagingError(
            _("This trainer no longer teaches at the gym: the conversation is read-only.")
        )
    if not queries.may_talk(member_id, trainer.id, now):
        raise AccessDenied(not_allowed_reason())
    text = _clean_text(text)
    files = _chosen(files)
    if len(files) > MAX_ATTACHMENTS:
        raise MessagingError(
            _("Attach at most %(max)d files to a message.", max=MAX_ATTACHMENTS),
            field="attachments",
        )
    if not text and not files:
        raise MessagingError(_("Write a message or attach a file."), field="text")
    stored = _store_all(files)
    try:
        with transaction():
            message = _record(sender, member_id, trainer, text, stored, now)
    except BaseException:
        _remove(stored)
        raise
    return message


def _locked_thread(member_id: int, trainer_id: int) -> MessageThread | None:
    return db.session.scalar(
        select(MessageThread)
        .where(MessageThread.member_id == member_id, MessageThread.trainer_id == trainer_id)
        .with_for_update(of=MessageThread)
        .execution_options(populate_existing=True)
    )


def _thread_to_write_in(member_id: int, trainer_id: int, now) -> MessageThread:
    """The pair's thread, locked; started when there is none (a twin request
    that started it first wins, and this one writes in it)."""
    thread = _locked_thread(member_id, trainer_id)
    if thread is not None:
        return thread
    try:
        with db.session.begin_nested():
            thread = MessageThread(member_id=member_id, trainer_id=trainer_id, created_at=now)
            db.session.add(thread)
    except IntegrityError:
        thread = _locked_thread(member_id, trainer_id)
    return thread


def _record(sender, member_id: int, trainer: Trainer, text: str, stored, now) -> Message:
    thread = _thread_to_write_in(member_id, trainer.id, now)
    if thread.is_closed:
        raise MessagingError(_("Staff closed this conversation: it is read-only."))
    message = Message(thread_id=thread.id, sender_id=sender.id, body=text, sent_at=now)
    db.session.add(message)
    db.session.flush()
    for file, name in stored:
        db.session.add(
            MessageAttachment(
                message_id=message.id,
                file_path=file.path,
                content_type=file.content_type,
                size_bytes=file.size_bytes,
                filename=name,
            )
        )
    from_member = sender.id == member_id
    counters = (
        {"trainer_unread": MessageThread.trainer_unread + 1, "member_unread": 0}
        if from_member
        else {"member_unread": MessageThread.member_unread + 1, "trainer_unread": 0}
    )
    db.session.execute(
        update(MessageThread)
        .where(MessageThread.id == thread.id)
        .values(last_message_at=now, last_message_id=message.id, **counters)
    )
    db.session.flush()
    db.session.refresh(thread)
    recipient_id = trainer.user_id if from_member else member_id
    signals.seen(sender.id, thread_group(thread.id))
    signals.tell(
        recipient_id,
        "message_received",
        link=thread_url(thread, recipient_id),
        options={"group": thread_group(thread.id), "email_after": EMAIL_AFTER_SECONDS},
        sender=sender.name,
        preview=text[:PREVIEW],
        thread_id=thread.id,
    )
    return message


def mark_read(thread_id: int, reader) -> None:
    """`reader` has seen the thread: their unread count goes to 0 and their
    notifications of it are marked read. NotYours for another's thread."""
    with transaction():
        thread = thread_for(thread_id, reader)
        column = "member_unread" if reader.id == thread.member_id else "trainer_unread"
        if getattr(thread, column):
            db.session.execute(
                update(MessageThread).where(MessageThread.id == thread.id).values({column: 0})
            )
            setattr(thread, column, 0)
        signals.seen(reader.id, thread_group(thread.id))


def report_message(message_id: int, *, reason: str | None, actor) -> MessageReport:
    """`actor` asks staff to look at the other person's message.

    Raises NotYours (404) when it is not in one of the actor's threads,
    MessagingError for their own message, one they already reported, or a
    reason over 500 characters. Audited ("message.reported"); tells every
    active admin ("message_reported").
    """
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise MessagingError(
            _("Keep the reason to %(max)d characters.", max=MAX_REASON), field="reason"
        )
    with transaction():
        message = db.session.get(Message, message_id)
        if message is None or not message.thread.has_person(actor.id):
            raise NotYours()
        if message.sender_id == actor.id:
            raise MessagingError(_("You can report only the other person's messages."))
        if queries.open_report_by(message.id, actor.id):
            raise MessagingError(_("You already reported this message. Staff will look at it."))
        report = MessageReport(message_id=message.id, reporter_id=actor.id, reason=reason)
        db.session.add(report)
        db.session.flush()
        audit.record(
            "message.reported",
            report,
            actor=actor,
            after={"message_id": message.id, "thread_id": message.thread_id},
        )
        admins = db.session.scalars(
            select(User.id).where(
                User.role == Role.ADMIN,
                User.status == UserStatus.ACTIVE,
                User.deleted_at.is_(None),
            )
        ).all()
        for admin_id in admins:
            signals.tell(
                admin_id,
                "message_reported",
                link=url_for("messaging_staff.queue"),
                thread_id=message.thread_id,
                reporter=actor.name,
            )
    return report


def _open_report(report_id: int) -> MessageReport:
    report = db.session.get(MessageReport, report_id, with_for_update=True)
    if report is None:
        raise NotYours()
    if not report.is_open:
        raise MessagingError(_("This report was already handled."))
    return report


def _resolve(reports, status: ReportStatus, actor, now) -> None:
    for report in reports:
        report.status, report.resolved_at, report.resolved_by_id = status, now, actor.id


def _open_reports(*conditions) -> list[MessageReport]:
    return list(
        db.session.scalars(
            select(MessageReport)
            .join(Message, Message.id == MessageReport.message_id)
            .where(MessageReport.status == ReportStatus.OPEN, *conditions)
        )
    )


def dismiss_report(report_id: int, *, actor) -> MessageReport:
    """Staff found nothing wrong. Admins only (AccessDenied); MessagingError
    when it was handled already. Audited ("message_report.dismissed")."""
    require_role(actor, *ADMIN)
    with transaction():
        report = _open_report(report_id)
        _resolve([report], ReportStatus.DISMISSED, actor, utc_now())
        audit.record("message_report.dismissed", report, actor=actor)
    return report


def hide_message(report_id: int, *, actor) -> Message:
    """Hide the reported message from both people ("hidden by staff"); every
    open report of it is settled. Admins only; audited ("message.hidden")."""
    require_role(actor, *ADMIN)
    with transaction():
        report = _open_report(report_id)
        now = utc_now()
        message = report.message
        message.hidden_at, message.hidden_by_id = now, actor.id
        _resolve(_open_reports(Message.id == message.id), ReportStatus.ACTED, actor, now)
        audit.record(
            "message.hidden",
            message,
            actor=actor,
            after={"report_id": report.id, "thread_id": message.thread_id},
        )
    return message


def close_thread(report_id: int, *, actor) -> MessageThread:
    """Close the reported message's thread: read-only for both; every open
    report in it is settled. Admins only; audited ("message_thread.closed")."""
    require_role(actor, *ADMIN)
    with transaction():
        report = _open_report(report_id)
        now = utc_now()
        thread = db.session.get(MessageThread, report.message.thread_id, with_for_update=True)
        thread.closed_at, thread.closed_by_id = now, actor.id
        _resolve(_open_reports(Message.thread_id == thread.id), ReportStatus.ACTED, actor, now)
        audit.record("message_thread.closed", thread, actor=actor, after={"report_id": report.id})
    return thread
