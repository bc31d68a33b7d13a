"""Statements run on the driver's own cursor, for those every handover step runs inside the
log's write transaction (its projection writes, its batch read), where each one waits: a Core
statement is compiled once per dialect and set of parameter names, then run as SQLAlchemy would
run it (the same SQL, the same type conversions, the same refusals) without SQLAlchemy's work
per statement, which costs more there than the statement itself."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, Engine, Select, bindparam, event, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.sql.dml import UpdateBase

from parley.errors import N_
from parley.store.engine import ValueRefused

Statement = UpdateBase | Select[Any]
# a table row as a read names it: the table's name, then its primary key's values
Row = tuple[Any, ...]


class HeldWrites(Protocol):
    """Writes of this thread's transaction not sent yet (a write group holds them to its end):
    sent before any statement that may read them."""

    def before_read(self, rows: Sequence[Row] | None) -> None:
        """Send the writes if the read may see any of them: of these `rows`, or any (None)."""


_HELD: ContextVar[HeldWrites | None] = ContextVar("parley_held_writes", default=None)


@contextmanager
def holding(writes: HeldWrites) -> Iterator[None]:
    """In the block, this thread's statements send `writes` first when they may read them."""
    token = _HELD.set(writes)
    try:
        yield
    finally:
        _HELD.reset(token)


@event.listens_for(Engine, "before_cursor_execute")
def _before_statement(*_: Any) -> None:
    """A statement SQLAlchemy runs may read anything: the held writes go first."""
    held = _HELD.get()
    if held is not None:
        held.before_read(None)


class _Compiled(NamedTuple):
    """A statement as the driver takes it, how parameters become the driver's, and (a select)
    the type each column's value is read back as."""

    compiled: Compiled
    sql: str
    positions: tuple[str, ...] | None  # the parameters' order, for a positional driver
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]  # the column types' conversions
    row: Callable[..., Any] | None  # a select's row: a named tuple of its columns
    results: tuple[Callable[[Any], Any] | None, ...]  # per column, the conversion read back


_COMPILED: dict[tuple[Statement, str, str, str, frozenset[str]], _Compiled] = {}


def _compiled(stmt: Statement, dialect: Dialect, names: frozenset[str]) -> _Compiled:
    """The statement compiled for the dialect and the parameters' names, once."""
    key = (stmt, dialect.name, dialect.driver, dialect.paramstyle, names)
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) > 1000:  # only statements built once, at import, are expected here
            _COMPILED.clear()
        c = stmt.compile(dialect=dialect, column_keys=sorted(names))
        processors = []
        for bind, name in c.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((name, process))
        positions = tuple(c.positiontup or ()) if c.positional else None
        row: Callable[..., Any] | None = None
        results: tuple[Callable[[Any], Any] | None, ...] = ()
        if isinstance(stmt, Select):
            columns = list(stmt.selected_columns)
            row = _row_type(tuple(str(col.key) for col in columns))
            results = tuple(
                col.type.dialect_impl(dialect).result_processor(dialect, None) for col in columns
            )
        found = _COMPILED[key] = _Compiled(c, str(c), positions, tuple(processors), row, results)
    return found


def _row_type(names: tuple[str, ...]) -> Callable[..., Any]:
    """A row of a select: its columns by name, as SQLAlchemy's rows give them."""
    return namedtuple("Row", names)


def _params(c: _Compiled, given: Mapping[str, Any]) -> Any:
    values = dict(c.compiled.construct_params(given) or {})
    for name, process in c.processors:
        values[name] = process(values[name])
    return values if c.positions is None else tuple(values[n] for n in c.positions)


def write(conn: Connection, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]]) -> None:
    """`conn.execute(stmt, rows)`, on the driver's cursor."""
    dialect = conn.dialect
    runs: list[tuple[_Compiled, list[Any]]] = []  # consecutive rows of the same columns
    for row in rows:
        c = _compiled(stmt, dialect, frozenset(row))
        if runs and runs[-1][0] is c:
            runs[-1][1].append(_params(c, row))
        else:
            runs.append((c, [_params(c, row)]))
    with _refusals(conn, runs[0][0].sql if runs else "") as cursor:
        for c, params in runs:
            cursor.executemany(c.sql, params)


def rows(
    conn: Connection,
    stmt: Select[Any],
    params: Mapping[str, Any],
    *,
    reads: Sequence[Row] | None = None,
) -> list[Any]:
    """`conn.execute(stmt, params).all()`, on the driver's cursor: named tuples of the columns.
    `reads`: every table row the statement can read (None: any), for writes held back."""
    held = _HELD.get()
    if held is not None:
        held.before_read(reads)
    return _select(conn.connection.driver_connection, conn.dialect, stmt, params)


def read(db: Engine, stmt: Select[Any], params: Mapping[str, Any]) -> list[Any]:
    """`rows` of one statement outside any transaction, on a pooled connection's driver: on
    PostgreSQL the statement alone (autocommit: one round trip, no BEGIN, no COMMIT), on SQLite
    as its connections run a statement outside BEGIN. A statement sees one snapshot."""
    pooled = db.raw_connection()
    driver: Any = pooled.driver_connection
    try:
        alone = db.dialect.name == "postgresql"
        if alone:
            driver.autocommit = True
        try:
            return _select(driver, db.dialect, stmt, params)
        finally:
            if alone and not driver.closed:  # back to the pool in its transactions' mode
                driver.autocommit = False
    except DBAPIError as e:
        if isinstance(e.orig, db.dialect.loaded_dbapi.Error) and db.dialect.is_disconnect(
            e.orig, driver, None
        ):
            pooled.invalidate(e)
        raise
    finally:
        pooled.close()


def _select(
    driver: Any, dialect: Dialect, stmt: Select[Any], params: Mapping[str, Any]
) -> list[Any]:
    c = _compiled(stmt, dialect, frozenset(params))
    assert c.row is not None
    with _on(driver, dialect, c.sql) as cursor:
        cursor.execute(c.sql, _params(c, params))
        found = cursor.fetchall()
    if any(c.results):
        return [
            c.row(*(v if f is None else f(v) for f, v in zip(c.results, r, strict=True)))
            for r in found
        ]
    return [c.row(*r) for r in found]


def _refusals(conn: Connection, sql: str) -> Any:
    """A cursor of the transaction's connection, as `_on` gives it."""
    return _on(conn.connection.driver_connection, conn.dialect, sql)


@contextmanager
def _on(driver: Any, dialect: Dialect, sql: str) -> Iterator[Any]:
    """A cursor of the driver's connection; the driver's errors as SQLAlchemy and
    `store.engine` give them: a value the database cannot store is `ValueRefused`, any other
    error SQLAlchemy's, its parameters (persons' data) never in its text."""
    assert driver is not None  # the transaction holds a live connection
    dbapi = dialect.loaded_dbapi
    try:
        cursor = driver.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
    except OverflowError as e:  # SQLite's integers stop at 2**63
        raise ValueRefused(
            N_("a number in this command is larger than the database can hold")
        ) from e
    except dbapi.DataError as e:
        raise ValueRefused(
            N_("the database cannot store a value of this command ({cause}); nothing was written"),
            cause=type(e).__name__,
        ) from e
    except dbapi.Error as e:
        raise DBAPIError.instance(sql, None, e, dbapi.Error, hide_parameters=True) from e


def aborted(conn: Connection) -> bool:
    """Whether the connection's transaction was aborted by a failed statement (PostgreSQL:
    every statement is refused until it rolls back; SQLite aborts none)."""
    info = getattr(conn.connection.driver_connection, "info", None)
    status = getattr(info, "transaction_status", None)
    return status is not None and status.name == "INERROR"


def pairs_in(first: ColumnElement[str], second: ColumnElement[str]) -> ColumnElement[bool]:
    """PostgreSQL: the first text column one of an array's values, the second one of
    another's (`pairs`): one statement whatever their count (an IN list is a statement a count),
    each value looked up in an index on both columns. The caller keeps the pairs it asked."""
    return text(
        f"{first} = ANY(CAST(:pairs_first AS VARCHAR[]))"
        f" AND {second} = ANY(CAST(:pairs_second AS VARCHAR[]))"
    ).bindparams(bindparam("pairs_first"), bindparam("pairs_second"))  # type: ignore[return-value]


def pairs(given: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """The parameters of `pairs_in`: each column's distinct values."""
    firsts, seconds = zip(*given, strict=True) if given else ((), ())
    return {"pairs_first": sorted(set(firsts)), "pairs_second": sorted(set(seconds))}
