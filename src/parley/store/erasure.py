"""What an erasure asks of the database beyond its rows: that no stale copy outlives it.

SQLite runs with `secure_delete` on (store.engine), so the cells an erasure frees are
overwritten with zeros; the write-ahead log still holds the pages as they were until it is
checkpointed, so after an erasure it is checkpointed and truncated. PostgreSQL keeps dead rows
until VACUUM reclaims them (docs/log-format.md, erasure).
"""

from __future__ import annotations

from sqlalchemy import text

from parley.store.engine import Database


def wipe_stale_copies(engine: Database) -> None:
    """Fold the write-ahead log into the database file and truncate it (SQLite)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
