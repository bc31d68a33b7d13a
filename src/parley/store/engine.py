"""Database engines: embedded SQLite by default, PostgreSQL through PARLEY_DATABASE_URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

# What a use case holds while it decides or reads: app/ names these, never SQLAlchemy.
Tx: TypeAlias = Connection
Database: TypeAlias = Engine


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'parley.db'}"


def sqlite_files(data_dir: Path) -> tuple[Path, Path, Path]:
    """The embedded database's files: the database, its write-ahead log, its shared memory."""
    db = data_dir / "parley.db"
    return db, db.with_name("parley.db-wal"), db.with_name("parley.db-shm")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine whose write transactions serialise appends to the log."""
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # let SQLAlchemy's begin event below issue BEGIN itself
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
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
