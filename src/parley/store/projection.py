"""Projections: each event's effect on the query tables, and the buffer that writes them.

Every domain module of `store` (keys, rosters, agreements, batches, matches) registers here,
with `projects`, the projector of each of its event types. The same projectors serve live
appends and `parley rebuild`, so a rebuilt database equals the live one by construction; tests
compare every table to keep it so. Projectors only write, never read: everything they need
travels in the event, so writes of consecutive events of one type can go to the database in a
few executemany calls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table, bindparam, delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Delete, Insert, UpdateBase

from parley.domain.events import Payload
from parley.store import driver
from parley.store import tables as t

P = TypeVar("P", bound=Payload)
Write = tuple[UpdateBase, dict[str, Any]]
# (entry index, actor, claimed time, payload) -> the writes
Projector = Callable[[int, str, str, P], list[Write]]
_PROJECTORS: dict[type[Payload], Projector[Any]] = {}


def projects(payload_type: type[P]) -> Callable[[Projector[P]], Projector[P]]:
    """Register the projector of one event type."""

    def register(fn: Projector[P]) -> Projector[P]:
        _PROJECTORS[payload_type] = fn
        return fn

    return register


class Projection:
    """Buffers the writes of consecutive events and sends each statement's rows at once.

    Statements run in the order they first appeared; a write is held back (by flushing first)
    whenever reordering could change the result: when an earlier statement would touch a row
    that a later statement in the buffer has touched.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._groups: dict[UpdateBase, list[dict[str, Any]]] = {}
        self._order: list[UpdateBase] = []
        self._touched: dict[UpdateBase, set[tuple[Any, ...]]] = {}
        self._vague: set[str] = set()  # tables a held write touches rows of, not named by key

    def add(self, idx: int, actor: str, time: str, payload: Payload) -> None:
        self.add_writes(writes_of(idx, actor, time, payload))

    def touches(self, row: tuple[Any, ...]) -> bool:
        """Whether a write held here may touch the row (its table's name, its primary key)."""
        if row[0] in self._vague:
            return True
        return any(row in self._touched[stmt] for stmt in self._order)

    def __bool__(self) -> bool:
        return bool(self._order)

    def add_writes(self, writes: list[Write]) -> None:
        for stmt, params in writes:
            if isinstance(stmt, Delete) and self._order:
                self.flush()  # a delete touches rows by condition: never reorder around it
            row = _row_key(stmt, params)
            if isinstance(stmt, Delete) or not _named(stmt, params):
                self._vague.add(row[0])
            if stmt in self._groups:
                later = self._order[self._order.index(stmt) + 1 :]
                if any(row in self._touched[other] for other in later):
                    self.flush()
            if stmt not in self._groups:
                self._groups[stmt] = []
                self._order.append(stmt)
                self._touched[stmt] = set()
            self._groups[stmt].append(params)
            self._touched[stmt].add(row)

    def flush(self) -> None:
        order, groups = self._order, self._groups
        self._groups, self._order, self._touched, self._vague = {}, [], {}, set()
        for stmt in order:
            driver.write(self.conn, stmt, groups[stmt])


def writes_of(idx: int, actor: str, time: str, payload: Payload) -> list[Write]:
    """The writes projecting one event."""
    fn = _PROJECTORS.get(type(payload))
    if fn is None:
        raise ValueError(f"entry {idx}: no projection for event type {payload.TYPE!r}")
    return fn(idx, actor, time, payload)


def _named(stmt: UpdateBase, params: dict[str, Any]) -> bool:
    """Whether the write touches just the row its primary key names: an insert's own values,
    an update's WHERE parameters `k_<column>` (`by_key`)."""
    table = stmt.table
    assert isinstance(table, Table)
    prefix = "" if isinstance(stmt, Insert) else "k_"
    return all(params.get(prefix + c.name) is not None for c in table.primary_key.columns)


def _row_key(stmt: UpdateBase, params: dict[str, Any]) -> tuple[Any, ...]:
    """The table row a write touches: its primary key, from the row or the WHERE parameters."""
    table = stmt.table
    assert isinstance(table, Table)
    keys = [params.get(f"k_{c.name}", params.get(c.name)) for c in table.primary_key.columns]
    return (table.name, *keys)


def dumps(value: Any) -> str:
    """JSON for a `data` column: sorted, compact, unescaped."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def by_key(table: Table, *columns: str) -> ColumnElement[bool]:
    """A WHERE clause on `columns`, bound to the parameters `k_<column>`."""
    clauses = [table.c[c] == bindparam(f"k_{c}") for c in columns]
    cond = clauses[0]
    for clause in clauses[1:]:
        cond = cond & clause
    return cond


INSERT = {tbl.name: insert(tbl) for tbl in t.PROJECTION_TABLES}


def clear(conn: Connection) -> None:
    """Empty every projection table, children first."""
    for table in reversed(t.PROJECTION_TABLES):
        conn.execute(delete(table))


def snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, sorted: two equal snapshots mean equal databases."""
    out = {}
    for table in t.PROJECTION_TABLES:
        rows = conn.execute(select(table)).all()
        out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def layout() -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
    """Each projection table's column names, in snapshot order, and the positions of its
    primary key among them (all columns when it has none): to say which row differs."""
    out = {}
    for table in t.PROJECTION_TABLES:
        names = tuple(c.name for c in table.columns)
        key = tuple(names.index(c.name) for c in table.primary_key.columns)
        out[table.name] = (names, key or tuple(range(len(names))))
    return out
