"""Database engines: embedded SQLite by default, PostgreSQL through PARLEY_DATABASE_URL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.exc import DataError, DisconnectionError, OperationalError

from parley.errors import N_, InvalidInput, ParleyError

# What a use case holds while it decides or reads: app/ names these, never SQLAlchemy.
Tx: TypeAlias = Connection
Database: TypeAlias = Engine


# Connections kept open for reuse: one for each thread the server runs requests on (the ASGI
# thread pool's 40), so a busy server does not open and close connections per request.
POOL_SIZE = 40

# How long a write waits for another process's write transaction to end (SQLite retries the
# lock until then), before it is refused in one line with nothing written.
BUSY_TIMEOUT_MS = 60_000


class DatabaseBusy(ParleyError):
    """Another process held the database for longer than a write waits; nothing was written."""


class ValueRefused(InvalidInput):
    """The database cannot store a value (too long, out of range); nothing was written."""


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'parley.db'}"


def sqlite_files(data_dir: Path) -> tuple[Path, Path, Path]:
    """The embedded database's files: the database, its write-ahead log, its shared memory."""
    db = data_dir / "parley.db"
    return db, db.with_name("parley.db-wal"), db.with_name("parley.db-shm")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine whose write transactions serialise appends to the log."""
    # a statement's parameters are persons' data: never in an error's text or a log line
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("pool_size", POOL_SIZE)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _tune_sqlite(engine)
    else:
        engine = create_engine(url, **kwargs)
        _ping_when_idle(engine)
    event.listen(engine, "handle_error", _one_sentence)
    return engine


# A pooled connection unused for this long is tested before it is handed out (the server may
# have restarted since); one just returned is not: a ping per checkout is a round trip per
# request, and a connection broken since its last use still fails as cleanly when used.
IDLE_PING_SECONDS = 2.0


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pre-ping, for connections that have been idle (a busy pool skips it)."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi: Any, record: Any) -> None:
        record.info["parley_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("parley_idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return  # new, or back in the pool a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi)
        except engine.dialect.loaded_dbapi.Error as e:
            raise DisconnectionError(str(e)) from e
        if not alive:
            raise DisconnectionError("the database connection was closed")


def _one_sentence(context: ExceptionContext) -> None:
    """A lock held too long, or a value the database cannot store, becomes one ParleyError;
    its words never quote the statement's parameters, which may be a person's data."""
    error = context.sqlalchemy_exception
    cause = context.original_exception
    if isinstance(error, OperationalError) and any(
        word in str(cause) for word in ("database is locked", "database is busy")
    ):
        raise DatabaseBusy(
            N_(
                "another process has held the database for {seconds} s; nothing was written: try"
                " again when it has finished"
            ),
            seconds=BUSY_TIMEOUT_MS // 1000,
        )
    if isinstance(cause, OverflowError):  # SQLite's integers stop at 2**63
        raise ValueRefused(N_("a number in this command is larger than the database can hold"))
    if isinstance(error, DataError):
        raise ValueRefused(
            N_("the database cannot store a value of this command ({cause}); nothing was written"),
            cause=type(cause).__name__,
        )


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # let SQLAlchemy's begin event below issue BEGIN itself
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        # an erased person's rows are overwritten with zeros, not left in free pages
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # a writer takes the lock up front, so two appends never read the same next index
        if conn.get_execution_options().get("parley_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def lock_log(conn: Connection) -> None:
    """Serialise appenders on PostgreSQL (SQLite is already locked by BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE log_entries IN SHARE ROW EXCLUSIVE MODE")
