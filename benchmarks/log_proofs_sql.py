"""Proof generation from the SQL node store (the path `parley log prove` takes), at 10^3 and
10^6 entries, on SQLite and PostgreSQL. Target: under 1 ms, growing with log n.

Run: .venv/bin/python benchmarks/log_proofs_sql.py [--sizes 1000 1000000]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from parley.log.nodes import (
    NodeId,
    consistency_proof_from_nodes,
    extend,
    inclusion_proof_from_nodes,
)
from parley.store import migrate
from parley.store.engine import make_engine
from parley.store.nodes import SqlNodeStore, _get

POSTGRES = os.environ.get(
    "PARLEY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _fill(engine: Engine, size: int) -> None:
    done = 0
    while done < size:
        step = min(20_000, size - done)
        leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(done, done + step)]
        with engine.begin() as conn:
            extend(SqlNodeStore(conn), done, leaves)
        done += step


class _CompiledStore(SqlNodeStore):
    """The earlier read path, as a peer: one SQLAlchemy-compiled OR of key lookups per call."""

    def get_nodes(self, ids: Sequence[NodeId]) -> list[bytes]:
        params = {}
        for n, (level, index) in enumerate(ids):
            params[f"l{n}"], params[f"i{n}"] = level, index
        rows = self.conn.execute(_get(len(ids)), params).all()
        found = {(r.level, r.idx): bytes(r.hash) for r in rows}
        return [found[(level, index)] for level, index in ids]


def _measure(
    engine: Engine, size: int, store_type: type[SqlNodeStore] = SqlNodeStore, samples: int = 300
) -> str:
    rng = random.Random(size)
    inc, con = [], []
    with engine.connect() as conn:
        store = store_type(conn)
        for _ in range(samples):
            i = rng.randrange(size)
            t = time.perf_counter()
            inclusion_proof_from_nodes(store, i, size)
            inc.append(time.perf_counter() - t)
            m = rng.randrange(1, size)
            t = time.perf_counter()
            consistency_proof_from_nodes(store, m, size)
            con.append(time.perf_counter() - t)

    def fmt(xs: list[float]) -> str:
        return f"median {statistics.median(xs) * 1e6:6.0f} µs, p95 {sorted(xs)[int(len(xs) * 0.95)] * 1e6:6.0f} µs"

    return f"inclusion {fmt(inc)}; consistency {fmt(con)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 1_000_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            targets = {"sqlite": f"sqlite:///{Path(folder) / f'p{size}.db'}"}
            admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                targets["postgresql"] = f"{POSTGRES}?options=-csearch_path%3D{schema}"
            except Exception as e:  # report SQLite alone without a server
                print(f"postgresql: skipped ({type(e).__name__})")
            try:
                for name, url in targets.items():
                    engine = make_engine(url)
                    migrate.upgrade(engine)
                    started = time.perf_counter()
                    _fill(engine, size)
                    filled = time.perf_counter() - started
                    print(
                        f"{name:10s} {size:>9,} entries (filled in {filled:.0f} s): {_measure(engine, size)}"
                    )
                    print(
                        f"{'  peer: compiled OR query':36s} {_measure(engine, size, _CompiledStore)}"
                    )
                    engine.dispose()
            finally:
                if "postgresql" in targets:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
