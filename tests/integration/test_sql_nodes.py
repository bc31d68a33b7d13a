"""The SQL node store on SQLite and PostgreSQL: proofs equal the list proofs, reads in order
(repeats included), an absent node is a LookupError."""

from __future__ import annotations

import hashlib
import random

import pytest

from parley.app.config import Settings
from parley.log.merkle import consistency_proof, inclusion_proof, root_hash
from parley.log.nodes import (
    NodeId,
    consistency_proof_from_nodes,
    extend,
    inclusion_proof_from_nodes,
    root_from_nodes,
)
from parley.store import migrate
from parley.store.engine import make_engine
from parley.store.nodes import SqlNodeStore

LEAVES = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(700)]


def test_proofs_from_sql_nodes(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    rng = random.Random(7)
    try:
        size = 0
        while size < len(LEAVES):
            step = min(rng.choice([1, 2, 5, 64, 129]), len(LEAVES) - size)
            with engine.begin() as conn:
                size = extend(SqlNodeStore(conn), size, LEAVES[size : size + step])
        with engine.connect() as conn:
            store = SqlNodeStore(conn)
            for n in [1, 2, 3, 255, 256, 257, 699, 700, *rng.sample(range(1, 701), 40)]:
                assert root_from_nodes(store, n) == root_hash(LEAVES[:n])
                i, m = rng.randrange(n), rng.randrange(1, n + 1)
                assert inclusion_proof_from_nodes(store, i, n) == inclusion_proof(LEAVES, i, n)
                assert consistency_proof_from_nodes(store, m, n) == consistency_proof(LEAVES, m, n)
            ids = [NodeId(0, 5), NodeId(3, 1), NodeId(0, 5), NodeId(9, 0)]
            assert store.get_nodes(ids) == [
                LEAVES[5],
                root_hash(LEAVES[8:16]),
                LEAVES[5],
                root_hash(LEAVES[:512]),
            ]
            assert store.get_nodes([]) == []
            with pytest.raises(LookupError):
                store.get_nodes([NodeId(0, 1), NodeId(0, 700)])
    finally:
        engine.dispose()
