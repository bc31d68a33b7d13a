"""The Merkle tree's stored nodes in SQL: the `NodeStore` port of `parley.log.nodes`."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import Select, and_, bindparam, insert, or_, select
from sqlalchemy.engine import Connection

from parley.log.nodes import Node, NodeId
from parley.store import driver
from parley.store import tables as t

_n = t.log_nodes.c
_PUT = insert(t.log_nodes)


@functools.cache
def _get(count: int) -> Select[tuple[int, int, bytes]]:
    # an OR of primary-key lookups: both SQLite and PostgreSQL answer each term from the index
    # (a row-value IN list makes SQLite scan the table); one statement per count, cached
    terms = [
        and_(_n.level == bindparam(f"l{i}"), _n.idx == bindparam(f"i{i}")) for i in range(count)
    ]
    return select(_n.level, _n.idx, _n.hash).where(or_(*terms))


# PostgreSQL: the wanted (level, idx) pairs as two arrays joined on the primary key
_PG_GET = (
    "SELECT n.level, n.idx, n.hash FROM unnest(%(l)s::smallint[], %(i)s::bigint[]) AS q(level, idx)"
    " JOIN log_nodes AS n ON n.level = q.level AND n.idx = q.idx"
)


@functools.cache
def _sqlite_get(count: int) -> str:
    # the same OR of primary-key lookups as `_get`, as plain SQL: no compilation per call
    terms = " OR ".join(["(level = ? AND idx = ?)"] * count)
    return f"SELECT level, idx, hash FROM log_nodes WHERE {terms}"


class SqlNodeStore:
    """Reads and inserts `log_nodes` rows on the caller's connection and transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get_nodes(self, ids: Sequence[NodeId]) -> list[bytes]:
        if not ids:
            return []
        if self.conn.dialect.name == "postgresql":
            # one statement whatever the count, so the driver prepares it once per connection
            rows = self.conn.exec_driver_sql(
                _PG_GET, {"l": [level for level, _ in ids], "i": [index for _, index in ids]}
            ).all()
        elif self.conn.dialect.name == "sqlite":
            flat = tuple(v for level, index in ids for v in (level, index))
            rows = self.conn.exec_driver_sql(_sqlite_get(len(ids)), flat).all()
        else:
            params = {}
            for n, (level, index) in enumerate(ids):
                params[f"l{n}"], params[f"i{n}"] = level, index
            rows = self.conn.execute(_get(len(ids)), params).all()
        found = {(r[0], r[1]): bytes(r[2]) for r in rows}
        try:
            return [found[(level, index)] for level, index in ids]
        except KeyError as e:
            raise LookupError(f"tree node {e.args[0]} is not stored") from e

    def put_nodes(self, nodes: Sequence[Node]) -> None:
        if nodes:
            rows = [{"level": level, "idx": index, "hash": value} for level, index, value in nodes]
            driver.write(self.conn, _PUT, rows)  # every append's, on the driver's cursor
