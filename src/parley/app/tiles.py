"""The public transparency surface: the latest checkpoint, and the tree and its entry headers as
C2SP tlog-tiles, readable by anyone who holds the operator's verifier key (no account)."""

from __future__ import annotations

from parley.app import transparency
from parley.app.ledger import Ledger
from parley.domain.errors import NotFound
from parley.errors import N_
from parley.log.tiles import Tile, entry_bundle, hash_tile, parse_tile_path
from parley.store import log as stored
from parley.store.nodes import SqlNodeStore


def latest_checkpoint(ledger: Ledger) -> bytes:
    """The latest signed checkpoint with its cosignatures (C2SP tlog-checkpoint note)."""
    with ledger.reading() as conn:
        return transparency.checkpoint_at(conn, None)[1]


def tile(ledger: Ledger, path: str) -> bytes:
    """The tile at `path` (after `tile/`): hashes, or an entry bundle of headers only."""
    wanted: Tile = parse_tile_path(path)
    with ledger.reading() as conn:
        size = stored.size(conn)
        if not wanted.available(size):
            raise NotFound(
                N_("tile/{path} is not in the tree of {size} entries"), path=path, size=size
            )
        if wanted.level is None:
            span = wanted.entry_range()
            return entry_bundle(stored.headers(conn, span.start, span.stop))
        return hash_tile(SqlNodeStore(conn).get_nodes(wanted.node_ids()))
