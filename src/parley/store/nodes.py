"""The Merkle tree's stored nodes in SQL: the `NodeStore` port of `parley.log.nodes`."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import Select, and_, bindparam, insert, or_, select
from sqlalchemy.engine import Connection

from parley.log.nodes import Node, NodeId
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


class SqlNodeStore:
    """Reads and inserts `log_nodes` rows on the caller's connection and transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get_nodes(self, ids: Sequence[NodeId]) -> list[bytes]:
        if not ids:
            return []
        params = {}
        for n, (level, index) in enumerate(ids):
            params[f"l{n}"], params[f"i{n}"] = level, index
        rows = self.conn.execute(_get(len(ids)), params).all()
        found = {(r.level, r.idx): bytes(r.hash) for r in rows}
        try:
            return [found[(level, index)] for level, index in ids]
        except KeyError as e:
            raise LookupError(f"tree node {e.args[0]} is not stored") from e

    def put_nodes(self, nodes: Sequence[Node]) -> None:
        if nodes:
            rows = [{"level": level, "idx": index, "hash": value} for level, index, value in nodes]
            self.conn.execute(_PUT, rows)
