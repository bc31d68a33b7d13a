"""Projection writes held back: a row the buffer says none of its writes touches (`touches`)
reads the same before and after the writes are sent, whatever the writes (inserts, updates by
key or by another column, deletes), so a read of it need not send them first."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, create_engine, select
from sqlalchemy import delete as sql_delete
from sqlalchemy import insert as sql_insert
from sqlalchemy import update as sql_update

from parley.store.projection import Projection, Write, by_key

_meta = MetaData()
_rows = Table(
    "rows",
    _meta,
    Column("a", String(4), primary_key=True),
    Column("b", Integer, primary_key=True),
    Column("v", Integer, nullable=False),
)
_INSERT = sql_insert(_rows)
_BY_KEY = sql_update(_rows).where(by_key(_rows, "a", "b")).values(v=bindparam("v"))
_BY_A = sql_update(_rows).where(by_key(_rows, "a")).values(v=bindparam("v"))
_DELETE = sql_delete(_rows).where(by_key(_rows, "a", "b"))
_A = ("x", "y", "z")
_B = (0, 1, 2)


def _write(kind: str, a: str, b: int, v: int) -> Write:
    if kind == "insert":
        return (_INSERT, {"a": a, "b": b, "v": v})
    if kind == "by_key":
        return (_BY_KEY, {"k_a": a, "k_b": b, "v": v})
    if kind == "by_a":
        return (_BY_A, {"k_a": a, "v": v})
    return (_DELETE, {"k_a": a, "k_b": b})


_writes = st.lists(
    st.tuples(
        st.sampled_from(("insert", "by_key", "by_a", "delete")),
        st.sampled_from(_A),
        st.sampled_from(_B),
        st.integers(0, 9),
    ),
    max_size=12,
)


def _state(conn: Any) -> dict[tuple[str, int], int]:
    return {(r.a, r.b): r.v for r in conn.execute(select(_rows))}


@settings(max_examples=200, deadline=None)
@given(before=_writes, held=_writes)
def test_a_row_no_held_write_touches_reads_the_same_after_they_are_sent(
    before: list[tuple[str, str, int, int]], held: list[tuple[str, str, int, int]]
) -> None:
    engine = create_engine("sqlite://")
    _meta.create_all(engine)
    with engine.connect() as conn, conn.begin():
        for kind, a, b, v in before:  # some rows there already, sent one by one
            if kind == "insert" and (a, b) in _state(conn):
                continue
            conn.execute(_write(kind, a, b, v)[0], _write(kind, a, b, v)[1])
        present = _state(conn)
        projection = Projection(conn)
        for kind, a, b, v in held:
            if kind == "insert" and (a, b) in present:
                continue  # a projector inserts a row that is not there
            present[(a, b)] = v
            projection.add_writes([_write(kind, a, b, v)])
        seen = _state(conn)
        untouched = [(a, b) for a in _A for b in _B if not projection.touches(("rows", a, b))]
        projection.flush()
        after = _state(conn)
        for row in untouched:
            assert seen.get(row) == after.get(row)
        assert not projection
