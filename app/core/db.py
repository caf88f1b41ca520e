"""One place where transactions begin, commit, roll back and hand off jobs.

Services wrap their work in `transaction()`. The outermost block commits;
nested blocks join it. After the commit, the jobs the block queued are
dispatched (see `app.core.jobs`), so nothing is sent for work that rolled back.
"""

from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app.core.errors import DomainError
from app.extensions import db

LOCK_TIMEOUT = "3s"
_DEPTH = "cupo_tx_depth"


class Busy(DomainError):
    """A lock wait ran out (many people at once): nothing was written, try again."""


#: PostgreSQL lock_not_available; SQLite's "database is locked"
_BUSY_CODES = {"55P03"}


def _is_lock_wait(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    return code in _BUSY_CODES or "database is locked" in str(exc.orig)


def _busy(exc: BaseException) -> Busy:
    return Busy(_("Many people are doing this right now. Please try again."))


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


@contextmanager
def transaction():
    """Run the block in one database transaction and commit it.

    On PostgreSQL lock waits are bounded by `lock_timeout`; on SQLite the
    write lock is taken up front (BEGIN IMMEDIATE) so check-then-write is
    never interleaved with another writer.
    """
    session = db.session()  # the request's Session behind the scoped proxy
    depth = session.info.get(_DEPTH, 0)
    if depth:
        session.info[_DEPTH] = depth + 1
        try:
            yield session
        finally:
            session.info[_DEPTH] = depth
        return

    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()  # end a read-only transaction so the write one starts clean
    session.info[_DEPTH] = 1
    try:
        _begin_writing(session)
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        from app.core.jobs import discard_pending

        discard_pending(session)
        if _is_lock_wait(exc):
            raise _busy(exc) from exc
        raise
    finally:
        session.info[_DEPTH] = 0
    from app.core.jobs import dispatch_pending

    dispatch_pending(session)


def _begin_writing(session) -> None:
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={"sqlite_immediate": True})


def configure_engine(engine: Engine) -> None:
    """Bound lock waits on PostgreSQL; real transactions on SQLite."""
    if engine.dialect.name == "postgresql":
        _bound_lock_waits(engine)
    elif engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _bound_lock_waits(engine: Engine) -> None:
    """Every PostgreSQL connection waits at most LOCK_TIMEOUT for a lock.

    Set once per connection rather than per transaction: a booking then
    costs no extra round trip for it. Migrations run under it too, which is
    what they should do on a live database (fail fast and retry, rather
    than queue behind a long transaction and block everyone behind them).
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        dbapi_connection.commit()


def _configure_sqlite(engine: Engine) -> None:
    """Give pysqlite real transactions (savepoints, BEGIN IMMEDIATE).

    The driver's own transaction handling defers BEGIN and breaks SAVEPOINT;
    SQLAlchemy's documented recipe hands control back to us.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
