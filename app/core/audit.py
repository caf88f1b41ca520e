"""The audit log: who did what to which record, keyed and chained.

Tamper evidence without a gym-wide lock. A request that audits a write never
waits for another request's audit entry:

1. In the request, `record` gives the entry its id up front (PostgreSQL's
   sequence; on SQLite, which has one writer at a time, the next free id) and
   a content MAC: HMAC-SHA256 over the entry's id and its canonical JSON
   content, keyed with `AUDIT_KEY`. The key lives outside the database (an
   environment variable, required in production; elsewhere derived from
   SECRET_KEY). Covering the id means a copy of a genuine entry under
   another id fails. No shared row is read or locked (the cost is one
   `nextval`): entries of different bookings, payments and check-ins commit
   independently.
2. Afterwards, `seal` (every minute from `jobs/schedule.py`, and at the start
   of `flask audit verify`) links what has committed since: under the lock
   of the single `audit_chain` row -- taken only by sealers, never by
   requests -- it gives each unsealed entry, in id order, the next chain
   position `seq` and `link = HMAC(key, previous link | seq | MAC)`, and moves
   the head (`head_seq`, `head_hash`) to the last one; it refuses to extend
   a chain whose head is not its newest sealed entry. Positions are handed
   out at seal time, so an entry whose transaction commits after a higher id
   was sealed simply gets a later position: no false alarm, nothing missed,
   and gaps in ids (rolled-back transactions) mean nothing. Each seal also
   writes the new head to the process's log (stderr, outside the database).
3. `verify` recomputes every MAC (an edited entry, or one written without
   the key, fails), walks the sealed entries by position (a deleted or
   inserted entry breaks the next link), compares the end of the walk with
   the head row (deleted newest entries), and checks the unsealed entries'
   MACs. It reports every broken entry by id, not only the first.

Someone who can write to the database but has no key cannot make a MAC or a
link, so editing an entry and rebuilding the chain after it (the weakness of
the plain SHA-256 chain this replaces) is found at the first rebuilt entry.
What a database writer alone can still do: delete entries that are not
sealed yet (at most a minute's worth; the same as a transaction that never
committed), or cut the newest sealed entries together with the head row;
the heads written to the log catch that (`flask audit verify --head SEQ:LINK`).

Entries from before the keyed log (revision 0013) kept their SHA-256 chain
(`prev_hash`, `hash`): the migration gave them MACs and links with the key,
and `verify` still walks their old chain, so an edit made before the
migration is still found. New entries leave those two columns empty.
Changing AUDIT_KEY makes every existing entry fail: keep the key.
"""

import contextlib
import enum
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app, has_request_context, request
from sqlalchemy import ForeignKey, String, func, select, text, update
from sqlalchemy.orm import Mapped, mapped_column, noload, relationship

from app.core.db import Busy, transaction
from app.core.models import utc_now
from app.extensions import db

log = logging.getLogger(__name__)

GENESIS = "0" * 64
#: entries linked per sealing transaction
SEAL_BATCH = 1000
_SCHEME = "cupo-audit/1"


def content_mac(key: str, entry_id: int, content: dict) -> str:
    """HMAC of one entry: its id (so a copy under another id fails) and content."""
    payload = json.dumps(content, sort_keys=True, default=str, separators=(",", ":"))
    message = f"{_SCHEME}|entry|{entry_id}|{payload}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def chain_link(key: str, prev_link: str, seq: int, mac: str) -> str:
    """HMAC binding an entry's MAC to its position and to the link before it."""
    message = f"{_SCHEME}|link|{prev_link}|{seq}|{mac}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: "noun.past_verb", e.g. "user.created"
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(50))
    before: Mapped[dict | None]
    after: Mapped[dict | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    #: HMAC of id and content, written in the request
    mac: Mapped[str] = mapped_column(String(64))
    #: position in the chain and its link, written by `seal` (None until then)
    seq: Mapped[int | None] = mapped_column(unique=True)
    link: Mapped[str | None] = mapped_column(String(64))
    #: the SHA-256 chain of entries written before the keyed log (None after)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    actor = relationship("User", lazy="joined")

    def content(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "before": self.before,
            "after": self.after,
            "ip": self.ip,
            "user_agent": self.user_agent,
        }

    def compute_mac(self, key: str | None = None) -> str:
        return content_mac(key or audit_key(), self.id, self.content())

    def compute_hash(self) -> str:
        """The legacy SHA-256 link (entries from before revision 0013)."""
        payload = json.dumps(self.content(), sort_keys=True, default=str)
        return hashlib.sha256(f"{self.prev_hash}|{payload}".encode()).hexdigest()


class AuditChain(db.Model):
    """One row: the sealed head. Only sealers lock it, never a request."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the link of the newest sealed entry
    head_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    head_seq: Mapped[int] = mapped_column(default=0, server_default="0")


def init_app(app) -> None:
    """Send the heads that seals write (INFO) to stderr, the process's log, even
    where nothing configured logging (RQ configures only its own logger)."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def audit_key() -> str:
    return current_app.config["AUDIT_KEY"]


def record(action: str, entity, *, actor=None, before=None, after=None, entity_type=None):
    """Append an audit entry in the current transaction; it takes no shared lock.

    `entity` is a model instance (its class name and id are used) or None
    with `entity_type` given. `before`/`after` are JSON-able dicts.
    """
    entry = AuditEntry(
        id=_next_id(),
        at=utc_now(),
        actor_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type or type(entity).__name__,
        entity_id=None if entity is None else str(entity.id),
        before=before,
        after=after,
        **_request_origin(),
    )
    entry.mac = entry.compute_mac()
    db.session.add(entry)
    return entry


def _next_id() -> int:
    """The new entry's id before it is inserted, so its MAC can cover it.

    Run on the session's connection without an autoflush, as the caller's
    pending objects are none of this function's business.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return connection.scalar(
            text("SELECT nextval(pg_get_serial_sequence('audit_entries', 'id'))")
        )
    # SQLite: one writer at a time; entries added but not flushed yet count too
    stored = connection.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))
    pending = [obj.id for obj in db.session.new if isinstance(obj, AuditEntry) and obj.id]
    return max([stored, *pending]) + 1


def _request_origin() -> dict:
    if not has_request_context():
        return {"ip": None, "user_agent": None}
    agent = request.user_agent.string or None
    return {"ip": request.remote_addr, "user_agent": agent[:300] if agent else None}


def changes(obj, fields: list[str]) -> dict:
    """Snapshot `fields` of `obj` as JSON-able values for before/after."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | time):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@dataclass
class Problem:
    """One broken place in the log: the entry's id (None past the end) and why."""

    id: int | None
    action: str
    reason: str


def seal(batch: int = SEAL_BATCH, max_batches: int = 100) -> int:
    """Link committed, unsealed entries into the chain; return how many.

    Safe to run from several places at once: sealers queue on the head row.
    """
    total = 0
    for _ in range(max_batches):
        sealed = _seal_batch(batch)
        total += sealed
        if sealed < batch:
            break
    return total


def _seal_batch(batch: int) -> int:
    key = audit_key()
    with transaction():
        chain = db.session.get(AuditChain, 1, with_for_update=True, populate_existing=True)
        last = db.session.execute(
            select(AuditEntry.seq, AuditEntry.link)
            .where(AuditEntry.seq.is_not(None))
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).first()
        if chain is None and last is None:
            chain = AuditChain(id=1, head_hash=GENESIS, head_seq=0)
            db.session.add(chain)
        if chain is None or tuple(last or (0, GENESIS)) != (chain.head_seq, chain.head_hash):
            # never extend a chain whose head was tampered with; verify reports it
            log.error("Audit log not sealed: the head does not match the newest sealed entry.")
            return 0
        rows = db.session.execute(
            select(AuditEntry.id, AuditEntry.mac)
            .where(AuditEntry.seq.is_(None))
            .order_by(AuditEntry.id)
            .limit(batch)
        ).all()
        if not rows:
            return 0
        seq, link = chain.head_seq, chain.head_hash
        links = []
        for entry_id, mac in rows:
            seq += 1
            link = chain_link(key, link, seq, mac)
            links.append({"id": entry_id, "seq": seq, "link": link})
        db.session.execute(update(AuditEntry), links)
        chain.head_seq, chain.head_hash = seq, link
    # the head, outside the database: compare with `flask audit verify --head`
    log.info("Audit log sealed through %s:%s", seq, link)
    return len(links)


def verify(**options) -> Problem | None:
    """The first broken place in the log, or None (see `problems`)."""
    found = problems(**options)
    return found[0] if found else None


def problems(
    *, seal_first: bool = True, head: tuple[int, str] | None = None, batch: int = 1000
) -> list[Problem]:
    """Every broken place in the log, in chain order, then unsealed entries.

    `head` is a (seq, link) pair written to the log by an earlier seal: the
    entry at that position must still carry that link.
    """
    if seal_first:
        # another sealer holding the head is no reason to stop: unsealed entries are checked too
        with contextlib.suppress(Busy):
            seal()
    key = audit_key()
    found: list[Problem] = []
    link, seq, legacy_hash = GENESIS, 0, GENESIS
    anchored = head is None
    for entry in _walk(AuditEntry.seq.is_not(None), AuditEntry.seq, batch):
        reasons = []
        if entry.mac != entry.compute_mac(key):
            reasons.append(
                "its content does not match its MAC (edited, or written without the key)"
            )
        if entry.seq != seq + 1 or entry.link != chain_link(key, link, entry.seq, entry.mac):
            reasons.append("its link does not follow the entry before it (one deleted or inserted)")
        if entry.hash is not None:  # written before the keyed log
            if entry.prev_hash != legacy_hash or entry.compute_hash() != entry.hash:
                reasons.append("its SHA-256 link from before the keyed log is broken")
            legacy_hash = entry.hash
        if head is not None and entry.seq == head[0]:
            anchored = entry.link == head[1]
        if reasons:
            found.append(Problem(entry.id, entry.action, "; ".join(reasons)))
        link, seq = entry.link, entry.seq
    chain = db.session.get(AuditChain, 1, populate_existing=True)
    if chain is None and seq:
        found.append(Problem(None, "(missing)", "the chain's head row is gone"))
    elif chain is not None and (chain.head_seq, chain.head_hash) != (seq, link):
        found.append(
            Problem(
                None,
                "(missing)",
                f"the head says position {chain.head_seq}, the entries end at {seq}"
                " (newest entries deleted, or the head edited)",
            )
        )
    if not anchored:
        found.append(
            Problem(None, "(missing)", f"position {head[0]} no longer carries the given link")
        )
    for entry in _walk(AuditEntry.seq.is_(None), AuditEntry.id, batch):
        if entry.mac != entry.compute_mac(key):
            found.append(
                Problem(entry.id, entry.action, "unsealed, and its content does not match its MAC")
            )
    return found


def _walk(condition, order, batch: int):
    """Entries matching `condition` in `order` (a unique column), a batch at a time."""
    last = None
    while True:
        query = select(AuditEntry).where(condition).order_by(order).limit(batch)
        if last is not None:
            query = query.where(order > last)
        rows = db.session.scalars(
            query.options(noload(AuditEntry.actor)).execution_options(populate_existing=True)
        ).all()
        if not rows:
            return
        yield from rows
        last = getattr(rows[-1], order.key)
