"""store layer: the log's tables and, per domain, the projector of its events (each registers
itself with `store.projection` when its module is imported, here)."""

from parley.store import agreements, batches, keys, matches, rosters
from parley.store.engine import Database, Tx

__all__ = ["Database", "Tx", "agreements", "batches", "keys", "matches", "rosters"]
