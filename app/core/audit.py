"""The audit log: who did what to which record, hash-chained.

Each entry stores the hash of the entry before it and a hash of its own
content plus that link, so a changed or deleted row breaks the chain where
it happened. Appends are serialised by locking the single `audit_chain` row
inside the caller's transaction.
"""

import enum
import hashlib
import json
from datetime import date, datetime, time

from flask import has_request_context, request
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import utc_now
from app.extensions import db

GENESIS = "0" * 64


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
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

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

    def compute_hash(self) -> str:
        payload = json.dumps(self.content(), sort_keys=True, default=str)
        return hashlib.sha256(f"{self.prev_hash}|{payload}".encode()).hexdigest()


class AuditChain(db.Model):
    """One row holding the newest hash: the lock that orders appends."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    head_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def record(action: str, entity, *, actor=None, before=None, after=None, entity_type=None):
    """Append an audit entry in the current transaction.

    `entity` is a model instance (its class name and id are used) or None
    with `entity_type` given. `before`/`after` are JSON-able dicts.
    """
    chain = db.session.get(AuditChain, 1, with_for_update=True, populate_existing=True)
    if chain is None:
        chain = AuditChain(id=1, head_hash=GENESIS)
        db.session.add(chain)
    entry = AuditEntry(
        at=utc_now(),
        actor_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type or type(entity).__name__,
        entity_id=None if entity is None else str(entity.id),
        before=before,
        after=after,
        prev_hash=chain.head_hash,
        **_request_origin(),
    )
    entry.hash = entry.compute_hash()
    chain.head_hash = entry.hash
    db.session.add(entry)
    return entry


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


def verify(batch: int = 1000) -> AuditEntry | None:
    """Walk the chain in order; return the first entry that breaks it."""
    prev_hash = GENESIS
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.id > last_id)
            .order_by(AuditEntry.id)
            .limit(batch)
            .execution_options(populate_existing=True)
        ).all()
        if not rows:
            break
        for entry in rows:
            if entry.prev_hash != prev_hash or entry.compute_hash() != entry.hash:
                return entry
            prev_hash, last_id = entry.hash, entry.id
    chain = db.session.get(AuditChain, 1, populate_existing=True)
    if chain is not None and chain.head_hash != prev_hash:
        return AuditEntry(id=last_id + 1, action="(missing)", entity_type="", prev_hash=prev_hash)
    return None
