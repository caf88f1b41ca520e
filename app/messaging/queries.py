"""Reads for the messaging pages, each in a fixed number of statements.

Who may write to whom is read here too: a member may write to their assigned
trainer and to the trainers of classes they booked (a confirmed booking) that
are upcoming or began in the last RECENT_DAYS days; a trainer, to their
clients and to the members of their own classes, by the same rule.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select

from app.accounts.models import Role, User
from app.booking.models import Booking, BookingStatus
from app.core.inputs import page_number
from app.core.search import contains
from app.extensions import db
from app.messaging.models import (
    Message,
    MessageAttachment,
    MessageReport,
    MessageThread,
    ReportStatus,
)
from app.scheduling.models import ClassSession, SessionStatus
from app.trainers.models import ClientAssignment, Trainer

#: a class booked this many days ago still lets the member and trainer talk
RECENT_DAYS = 60
THREADS_PER_PAGE = 20
#: messages shown at once in a thread; older ones are a link away
MESSAGES_PER_PAGE = 30
#: new messages a poll returns at most (the rest come with the next poll)
POLL_MAX = 50
REPORTS_PER_PAGE = 25
#: messages shown before a reported one, for context
CONTEXT_BEFORE = 5


def _booked_with(member_id, trainer_id, now: datetime):
    """The condition "a confirmed booking of the member in one of the trainer's
    classes, upcoming or begun in the last RECENT_DAYS days"."""
    return (
        select(Booking.id)
        .join(ClassSession, ClassSession.id == Booking.session_id)
        .where(
            Booking.member_id == member_id,
            Booking.status == BookingStatus.CONFIRMED,
            ClassSession.trainer_id == trainer_id,
            ClassSession.status != SessionStatus.CANCELLED,
            ClassSession.starts_at >= now - timedelta(days=RECENT_DAYS),
        )
        .exists()
    )


def may_talk(member_id: int, trainer_id: int, now: datetime) -> bool:
    """Whether this member and trainer may write to each other (one query)."""
    assigned = exists().where(
        ClientAssignment.member_id == member_id, ClientAssignment.trainer_id == trainer_id
    )
    return bool(db.session.scalar(select(or_(assigned, _booked_with(member_id, trainer_id, now)))))


def trainers_for_member(member_id: int, now: datetime) -> list[Trainer]:
    """Active trainers the member may write to, by name (one query)."""
    assigned = exists().where(
        ClientAssignment.member_id == member_id, ClientAssignment.trainer_id == Trainer.id
    )
    return list(
        db.session.scalars(
            select(Trainer)
            .join(User, User.id == Trainer.user_id)
            .where(
                Trainer.is_active.is_(True),
                User.deleted_at.is_(None),
                or_(assigned, _booked_with(member_id, Trainer.id, now)),
            )
            .order_by(func.lower(User.name), Trainer.id)
        )
    )


def members_for_trainer(trainer_id: int, now: datetime) -> list[User]:
    """Members the trainer may write to (clients and recent class members), by name."""
    client = exists().where(
        ClientAssignment.member_id == User.id, ClientAssignment.trainer_id == trainer_id
    )
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.MEMBER,
                User.deleted_at.is_(None),
                or_(client, _booked_with(User.id, trainer_id, now)),
            )
            .order_by(func.lower(User.name), User.id)
        )
    )


def thread_between(member_id: int, trainer_id: int) -> MessageThread | None:
    return db.session.scalar(
        select(MessageThread).where(
            MessageThread.member_id == member_id, MessageThread.trainer_id == trainer_id
        )
    )


@dataclass(frozen=True)
class ThreadRow:
    """One line of a list of threads: the thread and a glimpse of its newest message."""

    thread: MessageThread
    last_body: str | None
    last_hidden: bool
    last_sender_id: int | None
    last_has_files: bool

    def unread_for(self, user_id: int) -> int:
        if user_id == self.thread.member_id:
            return self.thread.member_unread
        return self.thread.trainer_unread


def member_threads(member_id: int, page: int = 1):
    """The member's threads, newest conversation first: (pagination, rows)."""
    return _thread_page(select(MessageThread).where(MessageThread.member_id == member_id), page)


def trainer_inbox(trainer_id: int, *, page: int = 1, unread_only: bool = False, q: str = ""):
    """The trainer's inbox by last message, optionally unread only or by the
    member's name: (pagination, rows)."""
    query = select(MessageThread).where(MessageThread.trainer_id == trainer_id)
    if unread_only:
        query = query.where(MessageThread.trainer_unread > 0)
    needle = (q or "").strip().lower()
    if needle:
        query = query.join(User, User.id == MessageThread.member_id).where(
            contains(func.lower(User.name), needle)
        )
    return _thread_page(query, page)


def _thread_page(query, page: int):
    """One page of threads with their newest message: a count and one select."""
    last = Message.__table__.alias("last_message")
    has_files = (
        select(func.count())
        .select_from(MessageAttachment.__table__)
        .where(MessageAttachment.__table__.c.message_id == last.c.id)
        .scalar_subquery()
    )
    query = (
        query.outerjoin(last, last.c.id == MessageThread.last_message_id)
        .add_columns(last.c.body, last.c.hidden_at, last.c.sender_id, has_files)
        .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())
    )
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    per_page = THREADS_PER_PAGE
    pages = max(1, -(-total // per_page))
    page = min(page_number(page), pages)
    rows = [
        ThreadRow(thread, body, hidden_at is not None, sender_id, bool(files))
        for thread, body, hidden_at, sender_id, files in db.session.execute(
            query.limit(per_page).offset((page - 1) * per_page)
        )
    ]
    return Page(page=page, pages=pages, total=total), rows


@dataclass(frozen=True)
class Page:
    """What the `pager` macro reads, for lists paged by hand."""

    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def trainer_unread_total(trainer_id: int) -> int:
    """Messages the trainer has not read, in every thread (one query)."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(MessageThread.trainer_unread), 0)).where(
                MessageThread.trainer_id == trainer_id
            )
        )
    )


def thread_messages(thread_id: int, *, before: int | None = None):
    """The newest MESSAGES_PER_PAGE messages (older than `before` when given),
    oldest first, with their senders and attachments: (messages, has_older).
    Two statements whatever the thread's length."""
    query = select(Message).where(Message.thread_id == thread_id)
    if before:
        query = query.where(Message.id < before)
    newest = list(
        db.session.scalars(query.order_by(Message.id.desc()).limit(MESSAGES_PER_PAGE + 1))
    )
    has_older = len(newest) > MESSAGES_PER_PAGE
    return list(reversed(newest[:MESSAGES_PER_PAGE])), has_older


def messages_after(thread_id: int, after: int) -> list[Message]:
    """Messages newer than id `after`, oldest first (at most POLL_MAX)."""
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.thread_id == thread_id, Message.id > after)
            .order_by(Message.id)
            .limit(POLL_MAX)
        )
    )


def open_report_of_thread(thread_id: int) -> MessageReport | None:
    """The oldest open report on a message of this thread, or None."""
    return db.session.scalar(
        select(MessageReport)
        .join(Message, Message.id == MessageReport.message_id)
        .where(Message.thread_id == thread_id, MessageReport.status == ReportStatus.OPEN)
        .order_by(MessageReport.id)
        .limit(1)
    )


def report_queue(page: int = 1):
    """Open reports, oldest first, with their message, thread and people."""
    query = (
        select(MessageReport)
        .where(MessageReport.status == ReportStatus.OPEN)
        .order_by(MessageReport.id)
    )
    pagination = db.paginate(
        query, page=page_number(page), per_page=REPORTS_PER_PAGE, error_out=False
    )
    message_ids = {report.message_id for report in pagination.items}
    messages = {}
    if message_ids:
        messages = {
            message.id: message
            for message in db.session.scalars(select(Message).where(Message.id.in_(message_ids)))
        }
        threads = {message.thread_id for message in messages.values()}
        list(db.session.scalars(select(MessageThread).where(MessageThread.id.in_(threads))))
        reporters = {report.reporter_id for report in pagination.items}
        list(db.session.scalars(select(User).where(User.id.in_(reporters))))
    return pagination, messages


def report_context(report: MessageReport) -> list[Message]:
    """The reported message and the CONTEXT_BEFORE messages before it, oldest first."""
    message = report.message
    return list(
        reversed(
            db.session.scalars(
                select(Message)
                .where(Message.thread_id == message.thread_id, Message.id <= message.id)
                .order_by(Message.id.desc())
                .limit(CONTEXT_BEFORE + 1)
            ).all()
        )
    )


def open_report_by(message_id: int, reporter_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    and_(
                        MessageReport.message_id == message_id,
                        MessageReport.reporter_id == reporter_id,
                        MessageReport.status == ReportStatus.OPEN,
                    )
                )
            )
        )
    )
