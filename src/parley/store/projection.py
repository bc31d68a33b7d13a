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
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Table, bindparam, delete, insert, select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.sql.dml import Delete, UpdateBase

from parley.domain.events import Payload
from parley.errors import N_
from parley.store import tables as t
from parley.store.engine import ValueRefused

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

    def add(self, idx: int, actor: str, time: str, payload: Payload) -> None:
        fn = _PROJECTORS.get(type(payload))
        if fn is None:
            raise ValueError(f"entry {idx}: no projection for event type {payload.TYPE!r}")
        self.add_writes(fn(idx, actor, time, payload))

    def add_writes(self, writes: list[Write]) -> None:
        for stmt, params in writes:
            if isinstance(stmt, Delete) and self._order:
                self.flush()  # a delete touches rows by condition: never reorder around it
            row = _row_key(stmt, params)
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
        for stmt in self._order:
            _run(self.conn, stmt, self._groups[stmt])
        self._groups, self._order, self._touched = {}, [], {}


class _Compiled(NamedTuple):
    """A projection's statement as the driver takes it, and how its rows become parameters."""

    compiled: Compiled
    sql: str
    positions: tuple[str, ...] | None  # the parameters' order, for a positional driver
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]  # the column types' conversions


_COMPILED: dict[tuple[UpdateBase, str, frozenset[str]], _Compiled] = {}


def _compiled(stmt: UpdateBase, dialect: Dialect, names: frozenset[str]) -> _Compiled:
    """The statement compiled for the dialect and the rows' parameter names, once."""
    key = (stmt, dialect.name, names)
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) > 1000:  # only the projectors' own statements are expected here
            _COMPILED.clear()
        c = stmt.compile(dialect=dialect, column_keys=sorted(names))
        processors = []
        for bind, name in c.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((name, process))
        positions = tuple(c.positiontup or ()) if c.positional else None
        found = _COMPILED[key] = _Compiled(c, str(c), positions, tuple(processors))
    return found


def _run(conn: Connection, stmt: UpdateBase, rows: list[dict[str, Any]]) -> None:
    """Write the rows on the driver's cursor, as `conn.execute(stmt, rows)` would (same SQL,
    same conversions, same refusals): SQLAlchemy's own execution costs more than the statement
    does on the append path, where every handover step waits for it."""
    dialect = conn.dialect
    runs: list[tuple[_Compiled, list[Any]]] = []  # consecutive rows of the same columns
    for row in rows:
        c = _compiled(stmt, dialect, frozenset(row))
        values = dict(c.compiled.construct_params(row) or {})
        for name, process in c.processors:
            values[name] = process(values[name])
        param = values if c.positions is None else tuple(values[n] for n in c.positions)
        if runs and runs[-1][0] is c:
            runs[-1][1].append(param)
        else:
            runs.append((c, [param]))
    driver = conn.connection.driver_connection
    assert driver is not None  # the transaction holds a live connection
    dbapi = dialect.loaded_dbapi
    try:
        cursor = driver.cursor()
        try:
            for c, params in runs:
                cursor.executemany(c.sql, params)
        finally:
            cursor.close()
    except OverflowError as e:  # SQLite's integers stop at 2**63 (store.engine says the same)
        raise ValueRefused(
            N_("a number in this command is larger than the database can hold")
        ) from e
    except dbapi.DataError as e:
        raise ValueRefused(
            N_("the database cannot store a value of this command ({cause}); nothing was written"),
            cause=type(e).__name__,
        ) from e
    except dbapi.Error as e:
        sql = runs[0][0].sql if runs else ""
        raise DBAPIError.instance(sql, None, e, dbapi.Error, hide_parameters=True) from e


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
