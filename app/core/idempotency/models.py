"""Idempotency keys: the same key twice returns the first result (invariant 5).

As Stripe does it: the first result is stored per user and key for at least
24 hours; the same key with other parameters is refused. A second request
while the first still runs waits for it and replays its result (the key's
row is written in the first one's transaction); a row still RUNNING, left
by the older design, gets 409.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import str_enum, utc_now
from app.extensions import db


class KeyState(enum.Enum):
    RUNNING = "running"
    DONE = "done"


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(64))
    #: sha256 of the operation name and its parameters
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[KeyState] = mapped_column(str_enum(KeyState, "key_state"))
    #: what the first request answered, replayed to repeats
    result: Mapped[dict | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
